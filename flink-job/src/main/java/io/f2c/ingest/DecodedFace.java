package io.f2c.ingest;

/** A validated face image, preprocessed into the network's input tensor (CHW floats). A Flink POJO (no Kryo). */
public class DecodedFace {
  public String identityId;
  public String imageId;
  public long eventTime;
  public float[] pixels;

  public DecodedFace() {}

  public DecodedFace(String identityId, String imageId, long eventTime, float[] pixels) {
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
