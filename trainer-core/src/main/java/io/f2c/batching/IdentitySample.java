package io.f2c.batching;

/**
 * Two preprocessed (8-bit CHW) images of one identity, one row of an identity batch: two different
 * images, or one image twice for an identity with a single image (the trainer mirrors each copy on
 * its own). {@code replay}: a known identity revisited by the identity loader, rather than a new
 * image arriving. A Flink POJO.
 */
public class IdentitySample {
  public String identityId;
  public byte[] first;
  public byte[] second;
  public boolean replay;

  public IdentitySample() {}

  public IdentitySample(String identityId, byte[] first, byte[] second) {
    this(identityId, first, second, false);
  }

  public IdentitySample(String identityId, byte[] first, byte[] second, boolean replay) {
    this.identityId = identityId;
    this.first = first;
    this.second = second;
    this.replay = replay;
  }
}
