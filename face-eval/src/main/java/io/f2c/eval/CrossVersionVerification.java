package io.f2c.eval;

import io.f2c.model.FaceEmbedding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verification across model versions: the first image of every pair embedded by the gallery's
 * version, the second by the probe's, as a service would compare a probe with a gallery enrolled
 * under an older version. With one version for both it is LFW-protocol verification. Also the drift
 * between the two versions: the mean cosine between an image's two embeddings.
 */
public final class CrossVersionVerification {
  private final List<ImagePair> pairs;
  private final List<Path> files = new ArrayList<>();

  /**
   * @param mean n-fold accuracy (each fold's threshold chosen on the others), mean over folds
   * @param atProbeThreshold the same, but with each fold's threshold chosen on the other folds'
   *     pairs embedded by the probe's version alone: what a service gets that swapped to the new
   *     version (and its threshold) but kept the gallery of the old one
   * @param selfCosine mean cosine between the gallery's and the probe's embedding of the same image
   */
  public record Result(double mean, double std, double atProbeThreshold, double selfCosine) {}

  public CrossVersionVerification(LfwPairs pairs, List<Integer> folds, Path dir) {
    this(ImagePair.of(pairs, folds, dir));
  }

  /** Over any pairs; their folds are the cross-validation's (at least two distinct). */
  public CrossVersionVerification(List<ImagePair> pairs) {
    this.pairs = List.copyOf(pairs);
    this.pairs.forEach(
        p -> {
          files.add(p.a());
          files.add(p.b());
        });
  }

  /** The image files of the pairs, each once. */
  public List<Path> files() {
    return files.stream().distinct().toList();
  }

  /** Every image of the chosen pairs embedded by {@code embedding}: one version's embeddings. */
  public ImageEmbeddings embed(FaceEmbedding embedding) throws IOException {
    return ImageEmbeddings.of(files, embedding);
  }

  /** Scores the pairs with galleries from {@code gallery} and probes from {@code probe}. */
  public Result evaluate(ImageEmbeddings gallery, ImageEmbeddings probe) {
    if (gallery.dim() != probe.dim()) {
      throw new IllegalArgumentException(
          "versions of different embedding sizes (" + gallery.dim() + ", " + probe.dim() + ")");
    }
    double[] scores = new double[pairs.size()];
    double[] probeOnly = new double[pairs.size()];
    boolean[] same = new boolean[pairs.size()];
    int[] fold = new int[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      ImagePair p = pairs.get(i);
      scores[i] = gallery.cosine(p.a(), probe, p.b());
      probeOnly[i] = probe.cosine(p.a(), probe, p.b());
      same[i] = p.same();
      fold[i] = p.fold();
    }
    PairVerification.FoldAccuracy accuracy = PairVerification.nFold(scores, same, fold);
    // nFold's thresholds are per fold in ascending fold order, each chosen on the other folds.
    double[] probeThresholds = PairVerification.nFold(probeOnly, same, fold).thresholds();
    int[] folds = Arrays.stream(fold).distinct().sorted().toArray();
    double atProbeThreshold = 0;
    for (int k = 0; k < folds.length; k++) {
      List<Integer> in = new ArrayList<>();
      for (int i = 0; i < fold.length; i++) {
        if (fold[i] == folds[k]) {
          in.add(i);
        }
      }
      double[] s = in.stream().mapToDouble(i -> scores[i]).toArray();
      boolean[] y = new boolean[in.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = same[in.get(i)];
      }
      atProbeThreshold += PairVerification.accuracy(s, y, probeThresholds[k]) / folds.length;
    }
    List<Path> distinct = files();
    double drift = 0;
    for (Path f : distinct) {
      drift += gallery.cosine(f, probe, f);
    }
    return new Result(accuracy.mean(), accuracy.std(), atProbeThreshold, drift / distinct.size());
  }
}
