package io.f2c.job.calibration;

import io.f2c.job.ingest.DecodedFace;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * The faces of a share of the trained identities, chosen by the same hash of the id as {@link
 * HeldOutIdentities} but from the other end of its range, so no identity is both held out and
 * watched. They still train; {@link CohortWatcher} follows how well each version verifies them.
 */
public final class WatchedIdentities implements FilterFunction<DecodedFace> {
  private static final long serialVersionUID = 1L;

  private final double share;

  public WatchedIdentities(double share) {
    if (!(share >= 0 && share < 1)) {
      throw new IllegalArgumentException("watch share must be in [0, 1), was " + share);
    }
    this.share = share;
  }

  @Override
  public boolean filter(DecodedFace face) {
    return isWatched(face.identityId, share);
  }

  public static boolean isWatched(String identityId, double share) {
    return share > 0 && HeldOutIdentities.unitHash(identityId) >= 1 - share;
  }
}
