package io.f2c.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The LFW protocol on eight hand-scored pairs in two folds (values worked out by hand in the
 * comments).
 */
class PairVerificationTest {
  // fold 1: (0.9 same) (0.6 same) (0.5 diff) (0.1 diff); fold 2: (0.8 same) (0.4 same) (0.7 diff)
  // (0.2 diff)
  static final double[] SCORES = {0.9, 0.6, 0.5, 0.1, 0.8, 0.4, 0.7, 0.2};
  static final boolean[] SAME = {true, true, false, false, true, true, false, false};
  static final int[] FOLD = {1, 1, 1, 1, 2, 2, 2, 2};

  @Test
  void thresholdComesFromTheOtherFolds() {
    PairVerification.FoldAccuracy r = PairVerification.nFold(SCORES, SAME, FOLD);
    // Fold 2 alone is best split at 0.3 (3 of 4 right; the first of two ties): on fold 1 that gets
    // 0.9, 0.6 and 0.1 right, 0.5 wrong -> 0.75. Fold 1 alone is split perfectly at 0.55: on fold
    // 2, 0.8 and 0.2 right -> 0.5.
    assertArrayEquals(new double[] {0.3, 0.55}, r.thresholds(), 1e-9);
    assertArrayEquals(new double[] {0.75, 0.5}, r.accuracies(), 1e-9);
    assertEquals(0.625, r.mean(), 1e-9);
    assertEquals(0.125, r.std(), 1e-9);
  }

  @Test
  void rocAucAndTarAtFar() {
    PairVerification.Roc roc = PairVerification.roc(SCORES, SAME);
    // Descending scores: 0.9 s, 0.8 s, 0.7 d, 0.6 s, 0.5 d, 0.4 s, 0.2 d, 0.1 d.
    assertArrayEquals(new double[] {0, 0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 1}, roc.far(), 1e-9);
    assertArrayEquals(new double[] {0, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 1}, roc.tar(), 1e-9);
    // AUC = share of (same, different) pairs ordered right: 4 + 4 + 3 + 2 of 16.
    assertEquals(13 / 16.0, roc.auc(), 1e-9);
    assertEquals(0.75, PairVerification.tarAtFar(roc, 0.25, 4), 1e-9);
    assertEquals(
        0.5, PairVerification.tarAtFar(roc, 0.2, 5), 1e-9); // strictest: no different pair accepted
    assertTrue(
        Double.isNaN(PairVerification.tarAtFar(roc, 0.1, 4)),
        "4 different pairs cannot measure FAR 0.1");
  }

  @Test
  void tiedScoresShareOneThreshold() {
    // Two pairs with the same score cannot be split: the best is to call both the same (2 of 3
    // right) or to split below the tie; never between them.
    double t =
        PairVerification.bestThreshold(
            new double[] {0.5, 0.5, 0.1}, new boolean[] {true, false, false});
    assertTrue(t > 0.1 && t <= 0.5, "threshold " + t);
    assertEquals(
        2 / 3.0,
        PairVerification.accuracy(
            new double[] {0.5, 0.5, 0.1}, new boolean[] {true, false, false}, t),
        1e-9);
  }

  @Test
  void oneFoldCannotBeCrossValidated() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PairVerification.nFold(
                    new double[] {0.1, 0.2}, new boolean[] {true, false}, new int[] {1, 1}));
    assertTrue(e.getMessage().contains("at least two folds"), e.getMessage());
  }
}
