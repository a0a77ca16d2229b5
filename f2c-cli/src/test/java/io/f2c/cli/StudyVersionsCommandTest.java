package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.eval.LfwPairs;
import io.f2c.eval.LfwProtocol;
import io.f2c.model.Embedder;
import io.f2c.testing.SyntheticLfw;
import io.f2c.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyVersionsCommandTest {
  @TempDir Path dir;
  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void everyVersionAgainstItselfAndItsSuccessor() throws Exception {
    Path images = dir.resolve("lfw");
    Path pairs = SyntheticLfw.write(images, 4, 20, 3, 2, 20);
    Path versions = Files.createDirectories(dir.resolve("versions"));
    for (int v = 1; v <= 3; v++) {
      // v10 sorts after v9 by number, not by name.
      Files.write(versions.resolve("f2c-v" + (v == 3 ? 10 : v) + ".f2cm"), TestModels.blob(v));
    }
    Files.writeString(versions.resolve("notes.txt"), "not a model");

    int code =
        run(
            "study",
            "versions",
            "--versions",
            versions.toString(),
            "--pairs",
            pairs.toString(),
            "--images",
            images.toString(),
            "--folds",
            "1,2",
            "--offsets",
            "0,1");
    assertEquals(0, code, cli.err());
    List<String> lines = cli.out().lines().toList();
    JsonObject summary = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    JsonArray rows = summary.getAsJsonArray("rows");
    assertEquals(3 + 2, rows.size(), "three with themselves, two with their successor");
    assertEquals(1, rows.get(0).getAsJsonObject().get("gallery").getAsLong());
    assertEquals(1, rows.get(0).getAsJsonObject().get("probe").getAsLong());
    assertEquals(2, rows.get(1).getAsJsonObject().get("probe").getAsLong());
    assertEquals(10, rows.get(3).getAsJsonObject().get("probe").getAsLong());
    assertEquals(1.0, rows.get(0).getAsJsonObject().get("self_cosine").getAsDouble(), 1e-4);
    assertTrue(rows.get(1).getAsJsonObject().get("self_cosine").getAsDouble() < 0.999);

    LfwPairs lfw = LfwPairs.read(pairs);
    try (Embedder v1 = Embedder.load(TestModels.blob(1))) {
      double expected =
          LfwProtocol.evaluate(lfw, List.of(1, 2), images, v1, new double[0]).accuracy().mean();
      assertEquals(expected, rows.get(0).getAsJsonObject().get("accuracy").getAsDouble(), 1e-4);
    }
  }

  @Test
  void aFolderWithOneVersionIsOneLineSayingWhatIsNeeded() throws Exception {
    Path versions = Files.createDirectories(dir.resolve("one"));
    Files.write(versions.resolve("f2c-v1.f2cm"), TestModels.blob(1));
    Path pairs = SyntheticLfw.write(dir.resolve("lfw"), 4, 4, 2, 2, 2);
    assertEquals(
        2,
        run(
            "study",
            "versions",
            "--versions",
            versions.toString(),
            "--pairs",
            pairs.toString(),
            "--images",
            dir.resolve("lfw").toString()));
    String text = cli.err();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.contains("holds 1 model versions; the study needs two"), text);
  }
}
