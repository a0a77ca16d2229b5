package io.f2c.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * Two image files to verify: whether they show one identity, and the cross-validation fold the pair
 * belongs to.
 */
public record ImagePair(Path a, Path b, boolean same, int fold) {

  /** The pairs of {@code folds} in {@code pairs}, as files under {@code imagesDir}. */
  public static List<ImagePair> of(LfwPairs pairs, List<Integer> folds, Path imagesDir) {
    return pairs.pairsOf(folds).stream()
        .map(p -> new ImagePair(p.fileA(imagesDir), p.fileB(imagesDir), p.same(), p.fold()))
        .toList();
  }
}
