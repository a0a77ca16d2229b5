package io.f2c.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An LFW-protocol pairs file: a header line "folds pairsPerFold", then per fold pairsPerFold
 * same-identity lines ({@code name i j}) and pairsPerFold different-identity lines ({@code name1 i
 * name2 j}); image numbers are 1-based and name {@code name/name_%04d.jpg}.
 */
public record LfwPairs(int folds, int pairsPerFold, List<Pair> pairs) {

  /** One pair; {@code fold} is 1-based. */
  public record Pair(int fold, String nameA, int imageA, String nameB, int imageB) {
    public boolean same() {
      return nameA.equals(nameB);
    }

    public Path fileA(Path imagesDir) {
      return imageFile(imagesDir, nameA, imageA);
    }

    public Path fileB(Path imagesDir) {
      return imageFile(imagesDir, nameB, imageB);
    }
  }

  public static Path imageFile(Path imagesDir, String name, int image) {
    return imagesDir.resolve(name).resolve(String.format(Locale.ROOT, "%s_%04d.jpg", name, image));
  }

  /**
   * @throws IllegalArgumentException naming the line that does not follow the format
   */
  public static LfwPairs read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("pairs file " + file + " does not exist");
    }
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("pairs file " + file + " is empty");
    }
    String[] header = lines.get(0).trim().split("\\s+");
    int folds;
    int perFold;
    try {
      folds = Integer.parseInt(header[0]);
      perFold = Integer.parseInt(header[1]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file + " line 1: expected 'folds pairsPerFold', was '" + lines.get(0) + "'");
    }
    if (folds <= 0 || perFold <= 0 || lines.size() - 1 != folds * perFold * 2) {
      throw new IllegalArgumentException(
          file
              + ": header says "
              + folds
              + " folds of 2 x "
              + perFold
              + " pairs, but the file has "
              + (lines.size() - 1)
              + " pair lines");
    }
    List<Pair> pairs = new ArrayList<>(lines.size() - 1);
    for (int i = 1; i < lines.size(); i++) {
      String[] t = lines.get(i).trim().split("\\s+");
      int fold = (i - 1) / (2 * perFold) + 1;
      try {
        if (t.length == 3) {
          pairs.add(new Pair(fold, t[0], Integer.parseInt(t[1]), t[0], Integer.parseInt(t[2])));
        } else if (t.length == 4) {
          pairs.add(new Pair(fold, t[0], Integer.parseInt(t[1]), t[2], Integer.parseInt(t[3])));
        } else {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            file
                + " line "
                + (i + 1)
                + ": expected 'name i j' or 'name1 i name2 j', "
                + "was '"
                + lines.get(i)
                + "'");
      }
    }
    return new LfwPairs(folds, perFold, List.copyOf(pairs));
  }

  /** The folds named by {@code spec}: "all" or "1,2" (1-based). */
  public List<Integer> selectFolds(String spec) {
    List<Integer> selected = new ArrayList<>();
    if (spec.equals("all")) {
      for (int f = 1; f <= folds; f++) {
        selected.add(f);
      }
      return selected;
    }
    for (String part : spec.split(",")) {
      int fold = Integer.parseInt(part.trim());
      if (fold < 1 || fold > folds) {
        throw new IllegalArgumentException(
            "fold " + fold + " does not exist: the pairs file has folds 1.." + folds);
      }
      if (!selected.contains(fold)) {
        selected.add(fold);
      }
    }
    return selected;
  }

  /** The pairs of the given folds, in file order. */
  public List<Pair> pairsOf(List<Integer> selectedFolds) {
    return pairs.stream().filter(p -> selectedFolds.contains(p.fold())).toList();
  }

  /** Every identity named by the pairs of the given folds (to hold them out of training). */
  public Set<String> identitiesOf(List<Integer> selectedFolds) {
    Set<String> names = new LinkedHashSet<>();
    for (Pair p : pairsOf(selectedFolds)) {
      names.add(p.nameA());
      names.add(p.nameB());
    }
    return names;
  }
}
