package io.f2c.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The LFW verification protocol on scored pairs: for each fold, the threshold with the best
 * accuracy on the other folds is applied to it; the mean and standard deviation of the folds'
 * accuracies are reported. Also the ROC curve over all pairs and TAR at a given FAR where there are
 * enough different-identity pairs to measure it.
 */
public final class PairVerification {
  private PairVerification() {}

  /** Per-fold accuracies and their mean and (population) standard deviation. */
  public record FoldAccuracy(double[] accuracies, double[] thresholds, double mean, double std) {}

  /**
   * A ROC curve: false accept rates and true accept rates at each distinct threshold, from
   * strictest to loosest.
   */
  public record Roc(double[] far, double[] tar, double auc) {}

  /**
   * @param scores similarity per pair (higher = more alike)
   * @param same whether the pair shows one identity
   * @param fold the pair's fold (any integers; at least two distinct folds are needed)
   */
  public static FoldAccuracy nFold(double[] scores, boolean[] same, int[] fold) {
    int[] folds = Arrays.stream(fold).distinct().sorted().toArray();
    if (folds.length < 2) {
      throw new IllegalArgumentException(
          "cross-validation needs at least two folds, got "
              + folds.length
              + " (choose --folds with two or more)");
    }
    double[] accuracies = new double[folds.length];
    double[] thresholds = new double[folds.length];
    for (int k = 0; k < folds.length; k++) {
      int test = folds[k];
      thresholds[k] =
          bestThreshold(select(scores, fold, test, false), select(same, fold, test, false));
      accuracies[k] =
          accuracy(select(scores, fold, test, true), select(same, fold, test, true), thresholds[k]);
    }
    double mean = Arrays.stream(accuracies).average().orElse(0);
    double var = Arrays.stream(accuracies).map(a -> (a - mean) * (a - mean)).average().orElse(0);
    return new FoldAccuracy(accuracies, thresholds, mean, Math.sqrt(var));
  }

  /** Share of pairs classified right when "same" means score >= threshold. */
  public static double accuracy(double[] scores, boolean[] same, double threshold) {
    int correct = 0;
    for (int i = 0; i < scores.length; i++) {
      if ((scores[i] >= threshold) == same[i]) {
        correct++;
      }
    }
    return scores.length == 0 ? 0 : correct / (double) scores.length;
  }

  /**
   * The threshold with the highest accuracy: every midpoint between neighbouring distinct scores
   * (and one below all and one above all) is a candidate; ties go to the lowest.
   */
  public static double bestThreshold(double[] scores, boolean[] same) {
    Integer[] order = sortedOrder(scores);
    long positives = 0;
    for (boolean s : same) {
      positives += s ? 1 : 0;
    }
    // Threshold below everything: every pair called "same".
    long correct = positives;
    long best = correct;
    double bestT = scores.length == 0 ? 0 : scores[order[0]] - 1e-6;
    for (int i = 0; i < order.length; i++) {
      // Moving the threshold above scores[order[i]] calls that pair "different".
      correct += same[order[i]] ? -1 : 1;
      boolean lastOfValue = i + 1 == order.length || scores[order[i + 1]] > scores[order[i]];
      if (lastOfValue && correct > best) {
        best = correct;
        bestT =
            i + 1 == order.length
                ? scores[order[i]] + 1e-6
                : (scores[order[i]] + scores[order[i + 1]]) / 2;
      }
    }
    return bestT;
  }

  /** ROC over all pairs; the AUC by the trapezoid rule. */
  public static Roc roc(double[] scores, boolean[] same) {
    Integer[] order = sortedOrder(scores);
    long positives = 0;
    for (boolean s : same) {
      positives += s ? 1 : 0;
    }
    long negatives = same.length - positives;
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    long tp = 0;
    long fp = 0;
    for (int i = order.length - 1; i >= 0; i--) { // from the highest score down
      if (same[order[i]]) {
        tp++;
      } else {
        fp++;
      }
      if (i == 0 || scores[order[i - 1]] < scores[order[i]]) {
        points.add(
            new double[] {
              negatives == 0 ? 0 : fp / (double) negatives,
              positives == 0 ? 0 : tp / (double) positives
            });
      }
    }
    double[] far = points.stream().mapToDouble(p -> p[0]).toArray();
    double[] tar = points.stream().mapToDouble(p -> p[1]).toArray();
    double auc = 0;
    for (int i = 1; i < far.length; i++) {
      auc += (far[i] - far[i - 1]) * (tar[i] + tar[i - 1]) / 2;
    }
    return new Roc(far, tar, auc);
  }

  /**
   * TAR at the strictest threshold whose FAR does not exceed {@code far}; NaN when there are fewer
   * than 1/far different-identity pairs (the FAR could not be measured at that level).
   */
  public static double tarAtFar(Roc roc, double far, long negatives) {
    if (negatives < Math.ceil(1 / far)) {
      return Double.NaN;
    }
    double tar = 0;
    for (int i = 0; i < roc.far().length; i++) {
      if (roc.far()[i] <= far + 1e-12) {
        tar = Math.max(tar, roc.tar()[i]);
      }
    }
    return tar;
  }

  private static Integer[] sortedOrder(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    return order;
  }

  private static double[] select(double[] values, int[] fold, int f, boolean inFold) {
    return IntStream.range(0, values.length)
        .filter(i -> (fold[i] == f) == inFold)
        .mapToDouble(i -> values[i])
        .toArray();
  }

  private static boolean[] select(boolean[] values, int[] fold, int f, boolean inFold) {
    int[] idx = IntStream.range(0, values.length).filter(i -> (fold[i] == f) == inFold).toArray();
    boolean[] out = new boolean[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }
}
