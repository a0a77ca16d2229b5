package io.f2c.eval;

import java.util.Arrays;

/**
 * The verification threshold a model should be used with, chosen on faces of identities it never
 * trained on: over every pair of rows, the cosine similarity that best separates same-identity from
 * different-identity pairs, each class weighted equally (there are far more different pairs). The
 * threshold lies midway between the two scores it separates; of equally good ones, the lowest.
 */
public final class ThresholdCalibration {
  private ThresholdCalibration() {}

  /**
   * @param threshold cosine similarity at or above which two faces are judged the same person
   * @param balancedAccuracy mean of the same-pair and different-pair accuracies at that threshold
   */
  public record Result(
      float threshold, double balancedAccuracy, int identities, long samePairs, long otherPairs) {}

  /**
   * Chooses the threshold for L2-normalised {@code embeddings} [labels.length, dim] (row-major).
   *
   * @throws IllegalArgumentException without both a same-identity and a different-identity pair
   */
  public static Result choose(float[] embeddings, String[] labels, int dim) {
    int n = labels.length;
    int pairs = n * (n - 1) / 2;
    double[] scores = new double[pairs];
    boolean[] same = new boolean[pairs];
    long samePairs = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        scores[k] = Verification.cosine(embeddings, i, embeddings, j, dim);
        same[k] = labels[i].equals(labels[j]);
        samePairs += same[k] ? 1 : 0;
        k++;
      }
    }
    long otherPairs = pairs - samePairs;
    if (samePairs == 0 || otherPairs == 0) {
      throw new IllegalArgumentException(
          "a threshold needs same-identity and different-identity pairs; have "
              + samePairs
              + " and "
              + otherPairs);
    }
    Integer[] order = new Integer[pairs];
    for (int i = 0; i < pairs; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    // Threshold below every score: every same pair accepted, every other pair rejected wrongly.
    // Raising it past each score flips that pair's decision.
    long sameAccepted = samePairs;
    long otherRejected = 0;
    double best = balanced(sameAccepted, samePairs, otherRejected, otherPairs);
    double threshold = scores[order[0]] - 1e-6;
    for (int r = 0; r < pairs; r++) {
      int pair = order[r];
      if (same[pair]) {
        sameAccepted--;
      } else {
        otherRejected++;
      }
      boolean tied = r + 1 < pairs && scores[order[r + 1]] == scores[pair];
      if (tied) {
        continue;
      }
      double accuracy = balanced(sameAccepted, samePairs, otherRejected, otherPairs);
      if (accuracy > best) {
        best = accuracy;
        threshold = r + 1 < pairs ? (scores[pair] + scores[order[r + 1]]) / 2 : scores[pair] + 1e-6;
      }
    }
    int identities = (int) Arrays.stream(labels).distinct().count();
    return new Result((float) threshold, best, identities, samePairs, otherPairs);
  }

  private static double balanced(long sameOk, long same, long otherOk, long other) {
    return (sameOk / (double) same + otherOk / (double) other) / 2;
  }
}
