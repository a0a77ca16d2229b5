package io.f2c.testing;

import io.f2c.synthetic.SyntheticFaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An LFW-shaped test set made of synthetic identities: {@code dir/<name>/<name>_NNNN.jpg} and a
 * {@code pairs.txt} with {@code folds} folds of {@code perFold} same-identity and {@code perFold}
 * different-identity pairs.
 */
public final class SyntheticLfw {
  private SyntheticLfw() {}

  public static Path write(
      Path dir, long seed, int identities, int imagesEach, int folds, int perFold)
      throws IOException {
    List<String> names = new SyntheticFaces(seed, 64).writeFolder(dir, identities, imagesEach);
    List<String> lines = new ArrayList<>();
    lines.add(folds + "\t" + perFold);
    int perFoldIds = identities / folds; // identity-disjoint folds, as LFW's
    for (int f = 0; f < folds; f++) {
      List<String> own = names.subList(f * perFoldIds, (f + 1) * perFoldIds);
      for (int i = 0; i < perFold; i++) {
        String n = own.get(i % own.size());
        int a = 1 + i % imagesEach;
        lines.add(n + "\t" + a + "\t" + (1 + (a % imagesEach)));
      }
      for (int i = 0; i < perFold; i++) {
        String n1 = own.get(i % own.size());
        String n2 = own.get((i + 1 + i / own.size()) % own.size());
        if (n1.equals(n2)) {
          n2 = own.get((i + 2) % own.size());
        }
        lines.add(n1 + "\t" + (1 + i % imagesEach) + "\t" + n2 + "\t" + (1 + (i + 1) % imagesEach));
      }
    }
    Path pairs = dir.resolve("pairs.txt");
    Files.write(pairs, lines);
    return pairs;
  }
}
