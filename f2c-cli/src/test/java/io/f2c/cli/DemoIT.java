package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.kafka.LoopbackPorts;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c demo --seconds N} end to end in this JVM: embedded broker, local Flink with the dashboard, producer and
 * job. While it runs, the dashboard's REST API lists the job as RUNNING; afterwards it exits 0 and the dashboard is
 * gone.
 */
class DemoIT {

  @Test
  void demoServesTheDashboardWithTheJobRunningAndStopsCleanly(@TempDir Path tmp) throws Exception {
    int port = LoopbackPorts.free();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> F2cCli.run(new String[] {
        "demo", "--seconds", "25", "--dashboard-port", String.valueOf(port), "--rate", "40",
        "--synthetic-identities", "50", "--input-size", "32", "--progress-interval-ms", "2000",
        "--embedding-dim", "64", "--identity-batch", "4", "--instance-batch", "8", "--shuffle-buffer", "16",
        "--publish-every-steps", "5", "--checkpoint-interval-ms", "1000", "--json",
        "--checkpoint-dir", tmp.resolve("chk").toString()}, print, print));

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String[] overview = {""};
    Await.until("the job RUNNING in /jobs/overview", Duration.ofSeconds(60), () -> {
      overview[0] = LocalRest.get(port, "/jobs/overview");
      return overview[0].contains("\"state\":\"RUNNING\"") && overview[0].contains("f2c-face-training");
    }, () -> "\nlast answer: " + overview[0] + "\noutput:\n" + out);
    // The web dashboard itself is served, not just the REST API.
    assertTrue(LocalRest.get(port, "/").contains("<html"), "dashboard page");
    // Trainer and ingest metrics are visible through the REST API while the job runs.
    String jobId = jobId(overview[0]);
    String[] metrics = {""};
    Await.until("trainer steps in the REST metrics", Duration.ofSeconds(60), () -> {
      metrics[0] = vertexMetric(port, jobId, "trainer", "trainer.steps")
          + vertexMetric(port, jobId, "Source: face-images", "ingest.recordsIn");
      return metrics[0].matches(".*trainer\\.steps\",\"value\":\"[1-9].*")
          && metrics[0].matches(".*ingest\\.recordsIn\",\"value\":\"[1-9].*");
    }, () -> "\nlast answer: " + metrics[0]);

    int rc = demo.get(120, TimeUnit.SECONDS);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    assertTrue(text.contains("Flink dashboard: http://127.0.0.1:" + port + "/"), text);
    Matcher progress = Pattern.compile("RUNNING \\| images (\\d+) .* identities (\\d+) \\| rejected 0 \\| sent \\d+ \\| "
        + "(no model yet|model v\\d+, step \\d+, loss [0-9.]+, pool \\d+%)").matcher(text);
    int lines = 0;
    long images = 0;
    while (progress.find()) {
      lines++;
      images = Long.parseLong(progress.group(1));
    }
    assertTrue(lines >= 5, "expected a progress line every 2 s:\n" + text);
    assertTrue(images > 100, "the job processed images:\n" + text);
    assertTrue(text.contains("demo finished after"), text);
    assertTrue(text.contains("model v1 (step 5,"), "the built-in subscriber saw a model version:\n" + text);
    assertTrue(Pattern.compile("held-out verification 0\\.\\d+").matcher(text).find(), text);
    String json = text.lines().filter(l -> l.startsWith("{\"versions_published\":")).findFirst().orElse("");
    assertTrue(json.matches("\\{\"versions_published\":[1-9]\\d*,\"first_accuracy\":0\\.\\d+,.*"
        + "\"checkpoints_completed\":[1-9]\\d*}"), "JSON summary: " + json + "\n" + text);
    // Shut down: the dashboard port is closed again.
    assertThrows(ConnectException.class, () -> http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/overview")).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  private static String jobId(String overview) {
    Matcher m = Pattern.compile("\"jid\":\"([0-9a-f]+)\"").matcher(overview);
    return m.find() ? m.group(1) : "";
  }

  /** The value of a metric whose name ends with {@code suffix}, on the vertex whose name contains {@code vertex}. */
  private static String vertexMetric(int port, String jobId, String vertexPrefix, String suffix) {
    String vertex = LocalRest.vertexId(port, jobId, vertexPrefix);
    if (vertex == null) {
      return "";
    }
    String list = LocalRest.get(port, "/jobs/" + jobId + "/vertices/" + vertex + "/metrics");
    Matcher id = Pattern.compile("\"id\":\"([^\"]*" + Pattern.quote(suffix) + ")\"").matcher(list);
    return id.find() ? LocalRest.get(port, "/jobs/" + jobId + "/vertices/" + vertex + "/metrics?get=" + id.group(1))
        : "";
  }
}
