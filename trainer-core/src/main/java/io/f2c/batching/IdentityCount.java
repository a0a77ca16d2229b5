package io.f2c.batching;

/**
 * How many valid images of one identity the job has seen, and when it first saw it. A Flink POJO.
 */
public class IdentityCount {
  public String identityId;
  public long images;
  public long firstSeenMillis;

  public IdentityCount() {}

  public IdentityCount(String identityId, long images, long firstSeenMillis) {
    this.identityId = identityId;
    this.images = images;
    this.firstSeenMillis = firstSeenMillis;
  }

  @Override
  public String toString() {
    return identityId + "=" + images;
  }
}
