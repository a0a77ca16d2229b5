package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c study continual} on synthetic faces in two phases through the whole job: every version
 * is evaluated on both phases, and the phase learned first is still recognised above chance at the
 * end.
 */
class StudyContinualIT {
  @TempDir Path tmp;

  @Test
  void everyVersionIsEvaluatedOnEveryPhaseAndTheFirstPhaseIsStillRecognised() throws Exception {
    CliRun cli = new CliRun();
    Path dir = tmp.resolve("study");
    int code =
        cli.run(
            TinyDemo.command(
                "study continual",
                tmp.resolve("chk"),
                "--study-dir",
                dir.toString(),
                "--phases",
                "2",
                "--phase-images",
                "400",
                "--synthetic-identities",
                "24",
                "--synthetic-images",
                "6",
                "--embedding-dim",
                "64",
                "--progress-interval-ms",
                "5000",
                "--dashboard-port",
                "0"));
    String out = cli.out();
    assertEquals(0, code, () -> out + cli.err());
    List<String> lines = out.lines().toList();
    JsonObject json = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();

    assertEquals(2, json.get("phases").getAsInt());
    assertEquals(800, json.get("images_sent").getAsLong(), "every image of both phases sent");
    int versions = json.get("versions").getAsInt();
    assertTrue(versions >= 3, () -> "versions: " + versions + "\n" + out);
    JsonArray matrix = json.getAsJsonArray("matrix");
    assertEquals(versions, matrix.size());
    long previous = 0;
    for (JsonElement row : matrix) {
      JsonArray accuracy = row.getAsJsonObject().getAsJsonArray("accuracy");
      assertEquals(2, accuracy.size());
      for (JsonElement a : accuracy) {
        assertTrue(a.getAsDouble() >= 0 && a.getAsDouble() <= 1, row::toString);
      }
      long version = row.getAsJsonObject().get("version").getAsLong();
      assertTrue(version > previous, "versions in order, each once: " + matrix);
      previous = version;
    }
    // 12 identities per phase with 2 held-out photos each: 12 same and 12 different pairs.
    assertEquals(24, json.getAsJsonArray("pairs").get(0).getAsInt());
    double firstPhaseAtEnd = json.getAsJsonArray("final_accuracy").get(0).getAsDouble();
    assertTrue(firstPhaseAtEnd > 0.5, "phase 1 above chance at the end: " + json);
    assertTrue(json.getAsJsonArray("freshness_images").get(1).isJsonPrimitive(), json::toString);
    assertTrue(Files.size(dir.resolve("continual.png")) > 0);
    try (var files = Files.list(dir.resolve("versions"))) {
      assertEquals(versions, files.filter(f -> f.toString().endsWith(".f2cm")).count());
    }
  }
}
