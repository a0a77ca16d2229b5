package io.f2c.batching;

/** Two different preprocessed images of one identity: one row of an identity batch. A Flink POJO. */
public class IdentitySample {
  public String identityId;
  public float[] first;
  public float[] second;

  public IdentitySample() {}

  public IdentitySample(String identityId, float[] first, float[] second) {
    this.identityId = identityId;
    this.first = first;
    this.second = second;
  }
}
