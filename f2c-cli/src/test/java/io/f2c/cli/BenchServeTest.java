package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench serve} runs both paths and reports each; its figures are not judged here. */
class BenchServeTest {
  @Test
  void measuresTheBareEmbedderAndTheServiceWithOneAndSeveralClients() {
    CliRun cli = new CliRun();
    int code =
        cli.run(
            "bench",
            "serve",
            "--seconds",
            "1",
            "--clients",
            "2",
            "--input-size",
            "32",
            "--backbone",
            "small-cnn",
            "--json");
    assertEquals(0, code, cli.err());
    List<String> lines = cli.out().lines().toList();
    JsonObject json = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    for (String path : List.of("bare", "http_1_clients", "http_2_clients")) {
      assertTrue(json.get(path + "_per_second").getAsDouble() > 0, path + " answered: " + json);
      assertTrue(
          json.get(path + "_p99_ms").getAsDouble() >= json.get(path + "_p50_ms").getAsDouble(),
          json.toString());
    }
  }
}
