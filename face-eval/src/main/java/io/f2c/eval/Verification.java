package io.f2c.eval;

import java.util.Arrays;

/**
 * Face verification and identification measures on embeddings (row-major float arrays of dimension
 * dim).
 */
public final class Verification {
  private Verification() {}

  /** Cosine similarity of rows i of a and j of b (rows need not be normalised). */
  public static double cosine(float[] a, int i, float[] b, int j, int dim) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int d = 0; d < dim; d++) {
      double x = a[i * dim + d];
      double y = b[j * dim + d];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return dot / Math.sqrt(Math.max(na * nb, 1e-24));
  }

  /** Share of probes whose most similar gallery row has the probe's label. */
  public static double rank1(
      float[] gallery, String[] galleryLabels, float[] probes, String[] probeLabels, int dim) {
    int correct = 0;
    for (int p = 0; p < probeLabels.length; p++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int g = 0; g < galleryLabels.length; g++) {
        double s = cosine(probes, p, gallery, g, dim);
        if (s > bestScore) {
          bestScore = s;
          best = g;
        }
      }
      if (best >= 0 && galleryLabels[best].equals(probeLabels[p])) {
        correct++;
      }
    }
    return probeLabels.length == 0 ? 0 : correct / (double) probeLabels.length;
  }

  /**
   * Verification accuracy (best threshold) over all pairs of rows: same label vs different label.
   */
  public static double allPairsAccuracy(float[] embeddings, String[] labels, int dim) {
    int n = labels.length;
    double[] scores = new double[n * (n - 1) / 2];
    boolean[] same = new boolean[scores.length];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        scores[k] = cosine(embeddings, i, embeddings, j, dim);
        same[k++] = labels[i].equals(labels[j]);
      }
    }
    // Balance the classes: accuracy over same pairs and over different pairs, averaged.
    double threshold = balancedThreshold(scores, same);
    double tpr = rate(scores, same, threshold, true);
    double tnr = rate(scores, same, threshold, false);
    return (tpr + tnr) / 2;
  }

  private static double balancedThreshold(double[] scores, boolean[] same) {
    double best = -1;
    double bestT = 0;
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    int stepEvery = Math.max(1, sorted.length / 2000);
    for (int i = 0; i < sorted.length; i += stepEvery) {
      double t = sorted[i];
      double v = (rate(scores, same, t, true) + rate(scores, same, t, false)) / 2;
      if (v > best) {
        best = v;
        bestT = t;
      }
    }
    return bestT;
  }

  private static double rate(double[] scores, boolean[] same, double threshold, boolean positives) {
    long total = 0;
    long correct = 0;
    for (int i = 0; i < scores.length; i++) {
      if (same[i] == positives) {
        total++;
        if ((scores[i] >= threshold) == positives) {
          correct++;
        }
      }
    }
    return total == 0 ? 0 : correct / (double) total;
  }
}
