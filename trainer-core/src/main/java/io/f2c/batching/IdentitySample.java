package io.f2c.batching;

/**
 * Two different preprocessed (8-bit CHW) images of one identity: one row of an identity batch. A
 * Flink POJO.
 */
public class IdentitySample {
  public String identityId;
  public byte[] first;
  public byte[] second;

  public IdentitySample() {}

  public IdentitySample(String identityId, byte[] first, byte[] second) {
    this.identityId = identityId;
    this.first = first;
    this.second = second;
  }
}
