package io.f2c.job.ingest;

/**
 * A validated face image, cropped and resized to the network's input (CHW, 8-bit: a quarter of the
 * floats' bytes on the wire and in state; normalised only when a step is built). A Flink POJO (no
 * Kryo).
 */
public class DecodedFace {
  public String identityId;
  public String imageId;
  public long eventTime;
  public byte[] pixels;

  public DecodedFace() {}

  public DecodedFace(String identityId, String imageId, long eventTime, byte[] pixels) {
    this.identityId = identityId;
    this.imageId = imageId;
    this.eventTime = eventTime;
    this.pixels = pixels;
  }

  @Override
  public String toString() {
    return imageId + " (" + identityId + ")";
  }
}
