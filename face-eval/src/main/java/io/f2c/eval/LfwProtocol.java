package io.f2c.eval;

import io.f2c.model.FaceEmbedding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LFW-protocol verification of an embedding on chosen folds of a pairs file: n-fold accuracy (each
 * fold's threshold chosen on the others), the ROC over all pairs, and TAR at given FARs.
 *
 * @param folds the folds used (1-based)
 * @param tarAtFar TAR at each FAR asked for; NaN where the pairs have too few negatives
 */
public record LfwProtocol(
    List<Integer> folds,
    int pairs,
    PairVerification.FoldAccuracy accuracy,
    PairVerification.Roc roc,
    double[] tarAtFar) {

  /** Embeds both images of every pair of {@code folds} found under {@code dir} and scores them. */
  public static LfwProtocol evaluate(
      LfwPairs pairs, List<Integer> folds, Path dir, FaceEmbedding embedding, double[] fars)
      throws IOException {
    List<LfwPairs.Pair> chosen = pairs.pairsOf(folds);
    List<Path> files = new ArrayList<>();
    chosen.forEach(
        p -> {
          files.add(p.fileA(dir));
          files.add(p.fileB(dir));
        });
    ImageEmbeddings embeddings = ImageEmbeddings.of(files, embedding);
    double[] scores = new double[chosen.size()];
    boolean[] same = new boolean[chosen.size()];
    int[] fold = new int[chosen.size()];
    long negatives = 0;
    for (int i = 0; i < chosen.size(); i++) {
      LfwPairs.Pair p = chosen.get(i);
      scores[i] = embeddings.cosine(p.fileA(dir), p.fileB(dir));
      same[i] = p.same();
      fold[i] = p.fold();
      negatives += p.same() ? 0 : 1;
    }
    PairVerification.Roc roc = PairVerification.roc(scores, same);
    double[] tars = new double[fars.length];
    Arrays.fill(tars, Double.NaN);
    for (int i = 0; i < fars.length; i++) {
      tars[i] = PairVerification.tarAtFar(roc, fars[i], negatives);
    }
    return new LfwProtocol(
        List.copyOf(folds), chosen.size(), PairVerification.nFold(scores, same, fold), roc, tars);
  }
}
