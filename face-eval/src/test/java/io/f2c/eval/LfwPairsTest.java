package io.f2c.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LfwPairsTest {
  @TempDir Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("pairs.txt"), text);
  }

  @Test
  void readsFoldsSameAndDifferentPairs() throws IOException {
    LfwPairs pairs =
        LfwPairs.read(write("2\t1\nAnn\t1\t2\nAnn\t1\tBob\t1\n\nCid\t1\t3\nCid\t2\tDan\t4\n"));
    assertEquals(2, pairs.folds());
    assertEquals(4, pairs.pairs().size());
    LfwPairs.Pair first = pairs.pairs().get(0);
    assertTrue(first.same());
    assertEquals(1, first.fold());
    assertEquals(dir.resolve("Ann").resolve("Ann_0002.jpg"), first.fileB(dir));
    assertFalse(pairs.pairs().get(1).same());
    assertEquals(2, pairs.pairs().get(3).fold());
    assertEquals(dir.resolve("Dan").resolve("Dan_0004.jpg"), pairs.pairs().get(3).fileB(dir));
    assertEquals(Set.of("Cid", "Dan"), pairs.identitiesOf(List.of(2)));
    assertEquals(List.of(1, 2), pairs.selectFolds("all"));
    assertEquals(2, pairs.pairsOf(pairs.selectFolds("2")).size());
  }

  @Test
  void malformedFilesSayWhere() throws IOException {
    IllegalArgumentException count =
        assertThrows(IllegalArgumentException.class, () -> LfwPairs.read(write("2 1\nAnn 1 2\n")));
    assertTrue(
        count.getMessage().contains("2 folds of 2 x 1 pairs, but the file has 1"),
        count.getMessage());
    IllegalArgumentException line =
        assertThrows(
            IllegalArgumentException.class,
            () -> LfwPairs.read(write("1 1\nAnn 1 2\nAnn one Bob 2\n")));
    assertTrue(line.getMessage().contains("line 3"), line.getMessage());
    LfwPairs ok = LfwPairs.read(write("1 1\nAnn 1 2\nAnn 1 Bob 2\n"));
    IllegalArgumentException fold =
        assertThrows(IllegalArgumentException.class, () -> ok.selectFolds("1,2"));
    assertTrue(fold.getMessage().contains("folds 1..1"), fold.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LfwPairs.read(dir.resolve("missing.txt")));
  }
}
