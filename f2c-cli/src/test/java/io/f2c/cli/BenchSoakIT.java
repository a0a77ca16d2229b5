package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c bench soak} for a minute: samples come every interval, a burst at ten times the rate
 * waits in Kafka, the job restores its last checkpoint halfway and trains on, and the trainer's
 * tensors and RocksDB's memory are read.
 */
class BenchSoakIT {
  @TempDir Path tmp;

  @Test
  void samplesTheProcessAndRestoresHalfway() throws Exception {
    CliRun cli = new CliRun();
    Path dir = tmp.resolve("soak");
    int code =
        cli.run(
            TinyDemo.training(
                "bench soak",
                "--bench-dir",
                dir.toString(),
                "--minutes",
                "1.2",
                "--sample-seconds",
                "8",
                "--warm-up-minutes",
                "0.3",
                "--rate",
                "10",
                "--burst-at-minutes",
                "0.15",
                "--burst-minutes",
                "0.15",
                "--json"));
    String out = cli.out();
    assertEquals(0, code, () -> out + cli.err());
    List<String> lines = out.lines().toList();
    JsonObject json = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    assertEquals("soak", json.get("bench").getAsString());
    assertTrue(json.get("restore_ms").getAsDouble() > 0, json::toString);
    assertTrue(json.get("samples").getAsInt() >= 6, json::toString);
    assertTrue(json.getAsJsonObject("slope_per_hour").has("native_array_mib"), json::toString);
    assertTrue(json.get("rss_slope_mib_per_hour").isJsonPrimitive(), json::toString);

    // The burst's excess waits in Kafka, nothing lost (the command fails when an image could not
    // be sent). How soon it drains depends on the machine's pace: bench soak measures it.
    JsonObject burst = json.getAsJsonObject("burst");
    assertTrue(
        burst.get("peak_lag").getAsLong() > burst.get("lag_before").getAsLong(), burst::toString);

    List<String[]> rows =
        Files.readAllLines(dir.resolve("soak.csv")).stream()
            .skip(1)
            .map(l -> l.split(","))
            .toList();
    assertEquals(json.get("samples").getAsInt(), rows.size());
    double restoredAt = json.get("restored_at_minutes").getAsDouble();
    String[] last = rows.get(rows.size() - 1);
    assertTrue(Double.parseDouble(last[0]) > restoredAt, "samples after the restore");
    assertTrue(Double.parseDouble(last[4]) > 0, "the restored trainer's tensors are counted");
    assertTrue(Double.parseDouble(last[6]) > 0, "RocksDB's memory is read");
    assertTrue(Long.parseLong(last[9]) > 0, "the trainer stepped");
  }
}
