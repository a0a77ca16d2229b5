package io.f2c.job.calibration;

import io.f2c.job.ingest.DecodedFace;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps a share of the identities out of training: their faces go to {@link #HELD_OUT}, where the
 * publisher chooses each version's verification threshold on them, and every other face goes on to
 * the loaders. An identity is held out or not by a hash of its id alone, so every image of it goes
 * the same way, in every run, whatever the parallelism.
 */
public final class HeldOutIdentities extends ProcessFunction<DecodedFace, DecodedFace> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DecodedFace> HELD_OUT =
      new OutputTag<>("held-out", TypeInformation.of(DecodedFace.class));

  private final double share;

  public HeldOutIdentities(double share) {
    if (!(share >= 0 && share < 1)) {
      throw new IllegalArgumentException("held-out share must be in [0, 1), was " + share);
    }
    this.share = share;
  }

  @Override
  public void processElement(DecodedFace face, Context ctx, Collector<DecodedFace> out) {
    if (isHeldOut(face.identityId, share)) {
      ctx.output(HELD_OUT, face);
    } else {
      out.collect(face);
    }
  }

  /** Whether {@code identityId} is among the held-out {@code share} of identities. */
  public static boolean isHeldOut(String identityId, double share) {
    return share > 0 && unitHash(identityId) < share;
  }

  /**
   * A uniform number in [0, 1) from the id: String.hashCode (fixed by the Java specification, so
   * the same on every JVM) spread by SplitMix64's finaliser, since similar ids have similar hash
   * codes.
   */
  public static double unitHash(String identityId) {
    long z = identityId.hashCode() * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }
}
