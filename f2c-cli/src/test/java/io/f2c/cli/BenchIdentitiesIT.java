package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c bench identities} at two small N through the whole job: every figure is read, the
 * loader's state grows with the identities, and each N's job restores from its last checkpoint.
 */
class BenchIdentitiesIT {
  @TempDir Path tmp;

  @Test
  void measuresEachNAndRestoresItsLastCheckpoint() throws Exception {
    CliRun cli = new CliRun();
    Path dir = tmp.resolve("bench");
    int code =
        cli.run(
            TinyDemo.training(
                "bench identities",
                "--bench-dir",
                dir.toString(),
                "--identities",
                "100,400",
                "--timed-steps",
                "10",
                "--json"));
    String out = cli.out();
    assertEquals(0, code, () -> out + cli.err());
    List<String> lines = out.lines().toList();
    JsonObject json = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    assertEquals("identities", json.get("bench").getAsString());
    assertTrue(json.get("step_ratio").getAsDouble() > 0, json::toString);
    long loaderBytesBefore = 0;
    for (JsonElement element : json.getAsJsonArray("cases")) {
      JsonObject c = element.getAsJsonObject();
      int n = c.get("identities").getAsInt();
      long seen = c.get("identities_seen").getAsLong();
      // All but the few held out for calibration reach the identity loader.
      assertTrue(seen >= 0.9 * n && seen <= n, c::toString);
      assertTrue(c.get("step_ms").getAsDouble() > 0, c::toString);
      assertTrue(json.getAsJsonObject("step_ms").has(String.valueOf(n)), json::toString);
      assertTrue(c.get("ingest_images_per_s").getAsDouble() > 0, c::toString);
      assertTrue(c.get("checkpoint_ms").getAsDouble() > 0, c::toString);
      assertTrue(c.get("checkpoint_incremental_bytes").getAsLong() > 0, c::toString);
      assertTrue(c.get("restore_ms").getAsDouble() > 0, c::toString);
      assertTrue(c.get("rss_bytes").getAsLong() > c.get("heap_bytes").getAsLong() / 4, c::toString);
      // Each identity keeps its images (32 x 32 pixels, 8 bits) in the reservoir.
      assertTrue(c.get("bytes_per_identity").getAsDouble() > 32 * 32, c::toString);
      long loaderBytes = c.get("loader_state_bytes").getAsLong();
      assertTrue(loaderBytes > loaderBytesBefore, "state grows with N: " + json);
      assertTrue(c.get("state_bytes").getAsLong() > loaderBytes, c::toString);
      loaderBytesBefore = loaderBytes;
    }
    assertTrue(Files.size(dir.resolve("identities.json")) > 0);
  }
}
