package io.f2c.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.eval.ContinualMatrix.StreamPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The continual measures on a 4-version, 2-phase matrix worked out by hand. */
class ContinualMatrixTest {
  // Phase 0 starts at image 0, phase 1 at image 1000 (second 10).
  private static final List<StreamPoint> STARTS =
      List.of(new StreamPoint(0, 0), new StreamPoint(1000, 10));
  // v0 at 400 images, v1 at 900, v2 at 1300 (13 s), v3 at 2000 (20 s).
  private static final List<StreamPoint> ARRIVALS =
      List.of(
          new StreamPoint(400, 4),
          new StreamPoint(900, 9),
          new StreamPoint(1300, 13),
          new StreamPoint(2000, 20));
  private static final double[][] R = {
    {0.60, 0.55},
    {0.90, 0.70},
    {0.85, 0.80},
    {0.80, 0.84},
  };

  private final ContinualMatrix matrix = new ContinualMatrix(R, ARRIVALS, STARTS);

  @Test
  void averageAccuracyIsTheLastRowsMean() {
    assertEquals((0.80 + 0.84) / 2, matrix.averageAccuracy(), 1e-12);
  }

  @Test
  void forgettingIsTheBestEarlierAccuracyAfterThePhaseBeganMinusTheFinal() {
    // Phase 0: best of v0..v2 is 0.90, final 0.80.
    assertEquals(0.10, matrix.forgetting(0), 1e-12);
    // Phase 1 began at 1000 images: only v2 (0.80) counts, v1's 0.70 came before; 0.80 - 0.84.
    assertEquals(-0.04, matrix.forgetting(1), 1e-12);
    assertEquals(0.10, matrix.averageForgetting(), 1e-12);
  }

  @Test
  void freshnessCountsFromThePhasesFirstImageToTheFirstVersionNearItsFinalAccuracy() {
    // Phase 1: target 0.95 x 0.84 = 0.798; v2 (0.80) is the first after its start: 300 images, 3 s.
    ContinualMatrix.Freshness f = matrix.freshness(1, 0.95);
    assertEquals(2, f.version());
    assertEquals(300, f.images());
    assertEquals(3.0, f.seconds(), 1e-12);
    // Phase 0: target 0.76, v0 has 0.60, v1 0.90.
    assertEquals(1, matrix.freshness(0, 0.95).version());
    assertEquals(900, matrix.freshness(0, 0.95).images());
  }

  @Test
  void aPhaseNoVersionFollowedHasNoFreshnessAndNoForgetting() {
    List<StreamPoint> starts = List.of(new StreamPoint(0, 0), new StreamPoint(5000, 50));
    ContinualMatrix early = new ContinualMatrix(R, ARRIVALS, starts);
    assertNull(early.freshness(1, 0.95));
    assertTrue(Double.isNaN(early.forgetting(1)));
  }

  @Test
  void aMatrixThatDoesNotFitItsVersionsOrPhasesIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ContinualMatrix(R, ARRIVALS.subList(0, 3), STARTS));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ContinualMatrix(R, ARRIVALS, STARTS.subList(0, 1)));
  }
}
