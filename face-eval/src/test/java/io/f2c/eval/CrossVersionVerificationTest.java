package io.f2c.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.model.FaceEmbedding;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.SyntheticLfw;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-version verification on an LFW-shaped synthetic set, with raw pixels as "version n" and a
 * fixed rotation of them as "version n+1": the same version scores as the LFW protocol does, and a
 * rotated gallery loses both self-similarity and accuracy.
 */
class CrossVersionVerificationTest {
  private static final PreprocessSpec SPEC = PreprocessSpec.of(16, 1, 1.0);

  @TempDir Path dir;

  /** Raw pixels with each coordinate pair (2k, 2k+1) rotated by {@code degrees}. */
  private static FaceEmbedding rotated(double degrees) {
    FaceEmbedding raw = FaceEmbedding.rawPixels(SPEC);
    double c = Math.cos(Math.toRadians(degrees));
    double s = Math.sin(Math.toRadians(degrees));
    return new FaceEmbedding() {
      @Override
      public PreprocessSpec input() {
        return SPEC;
      }

      @Override
      public int dim() {
        return raw.dim();
      }

      @Override
      public float[] embed(float[] images, int count) {
        float[] e = raw.embed(images, count);
        for (int i = 0; i + 1 < e.length; i += 2) {
          float x = e[i];
          float y = e[i + 1];
          e[i] = (float) (c * x - s * y);
          e[i + 1] = (float) (s * x + c * y);
        }
        return e;
      }
    };
  }

  @Test
  void oneVersionIsTheLfwProtocolAndADriftedGalleryLosesAccuracy() throws Exception {
    Path pairsFile = SyntheticLfw.write(dir, 3, 40, 4, 2, 40);
    LfwPairs pairs = LfwPairs.read(pairsFile);
    List<Integer> folds = List.of(1, 2);
    CrossVersionVerification study = new CrossVersionVerification(pairs, folds, dir);
    ImageEmbeddings v1 = study.embed(FaceEmbedding.rawPixels(SPEC));
    ImageEmbeddings v2 = study.embed(rotated(90));

    CrossVersionVerification.Result same = study.evaluate(v1, v1);
    LfwProtocol protocol =
        LfwProtocol.evaluate(pairs, folds, dir, FaceEmbedding.rawPixels(SPEC), new double[0]);
    assertEquals(protocol.accuracy().mean(), same.mean(), 1e-12);
    assertEquals(1.0, same.selfCosine(), 1e-6);
    assertEquals(same.mean(), same.atProbeThreshold(), 1e-12, "one version: the same thresholds");

    // A 90-degree rotation of every coordinate pair is orthogonal to the original (cosine 0).
    CrossVersionVerification.Result cross = study.evaluate(v1, v2);
    assertEquals(0.0, cross.selfCosine(), 1e-5);
    // Cross-version scores are near 0 for every pair; the rotated version's own thresholds sit
    // where its own scores separate, so at them the cross-version pairs are mostly misjudged.
    assertTrue(cross.atProbeThreshold() < same.mean() - 0.1, "at the probe's thresholds " + cross);
    assertTrue(
        cross.mean() < same.mean() - 0.1,
        "cross-version " + cross.mean() + " against same-version " + same.mean());
    // The rotated version on its own verifies exactly as well (cosine is rotation-invariant).
    assertEquals(same.mean(), study.evaluate(v2, v2).mean(), 1e-6);
  }
}
