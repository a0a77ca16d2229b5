package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.kafka.embedded.LoopbackPorts;
import io.f2c.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * {@code f2c demo --seconds N --until-step S} end to end in this JVM: embedded broker, local Flink
 * with the dashboard, producer and job. While it runs, the dashboard's REST API lists the job as
 * RUNNING; afterwards it exits 0 and the dashboard is gone.
 */
class DemoIT {
  /**
   * Where the demo ends early: some 1,200 images (16 a step), 30 s at the producer's 40 images/s. A
   * start up to about 20 s slower than usual still leaves 10 s of RUNNING for the checks made while
   * the demo runs (the REST metrics, 5 progress lines); a slow machine gets --seconds 90.
   */
  private static final String UNTIL_STEP = "75";

  private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
  private static final String TRAINER = OPERATOR + "trainer_";

  @Test
  void demoServesTheDashboardWithTheJobRunningAndStopsCleanly(@TempDir Path tmp) throws Exception {
    int port = LoopbackPorts.free();
    int metricsPort = freePortOtherThan(port);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> demo =
        CompletableFuture.supplyAsync(
            () ->
                F2cCli.run(
                    TinyDemo.args(
                        tmp.resolve("chk"),
                        "--seconds",
                        "90",
                        "--until-step",
                        UNTIL_STEP,
                        "--dashboard-port",
                        String.valueOf(port),
                        "--metrics-port",
                        String.valueOf(metricsPort),
                        "--synthetic-identities",
                        "50",
                        "--progress-interval-ms",
                        "2000",
                        "--embedding-dim",
                        "64",
                        "--json"),
                    print,
                    print));

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String[] jobId = {""};
    Await.until(
        "the job RUNNING in /jobs/overview",
        Duration.ofSeconds(60),
        () -> {
          jobId[0] = LocalRest.runningJob(port, "f2c-face-training").orElse("");
          return !jobId[0].isEmpty();
        },
        () -> "\nlast answer: " + LocalRest.get(port, "/jobs/overview") + "\noutput:\n" + out);
    // The web dashboard itself is served, not just the REST API.
    assertTrue(LocalRest.get(port, "/").contains("<html"), "dashboard page");
    // Trainer and ingest metrics are visible through the REST API while the job runs.
    long[] values = {0, 0};
    Await.until(
        "trainer steps and ingested records in the REST metrics",
        Duration.ofSeconds(60),
        () -> {
          values[0] = metric(port, jobId[0], "trainer", "trainer.steps");
          values[1] = metric(port, jobId[0], "Source: face-images", "ingest.recordsIn");
          return values[0] > 0 && values[1] > 0;
        },
        () -> "\nlast values: steps " + values[0] + ", records in " + values[1]);

    // The same metrics through Flink's Prometheus reporter, under the names the Grafana dashboard
    // queries.
    PrometheusText[] scrape = {PrometheusText.parse("")};
    Await.until(
        "trainer and ingest metrics on the Prometheus reporter",
        Duration.ofSeconds(60),
        () -> {
          scrape[0] = PrometheusText.parse(LocalRest.get(metricsPort, "/metrics"));
          return scrape[0].max(TRAINER + "steps") > 0
              && scrape[0].max(TRAINER + "imagesPerSecond") > 0
              && scrape[0].max(OPERATOR + "ingest_recordsIn") > 0;
        },
        () -> "\nscraped: " + scrape[0].names());
    double loss = scrape[0].max(TRAINER + "loss");
    assertTrue(loss > 0 && Double.isFinite(loss), "loss " + loss);
    assertEquals(0.0, scrape[0].max(TRAINER + "onGpu"), "this machine trains on the CPU");
    double occupancy = scrape[0].max(TRAINER + "poolOccupancy");
    assertTrue(occupancy > 0 && occupancy <= 1, "pool occupancy " + occupancy);
    assertTrue(scrape[0].max(OPERATOR + "ingest_accepted") > 0);
    assertEquals(0.0, scrape[0].max(OPERATOR + "ingest_rejected_CORRUPT_IMAGE"));
    for (String metric : DashboardMetrics.queried()) {
      assertTrue(
          scrape[0].names().stream().anyMatch(name -> DashboardMetrics.matches(metric, name)),
          "the dashboard queries " + metric + ", which the reporter does not serve");
    }
    int rc = demo.get(150, TimeUnit.SECONDS);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    assertTrue(text.contains("Flink dashboard: http://127.0.0.1:" + port + "/"), text);
    Matcher progress =
        Pattern.compile(
                "RUNNING \\| images (\\d+) .* identities (\\d+) \\| rejected 0 \\| sent \\d+ \\| "
                    + "(no model yet|model v\\d+, step \\d+, loss [0-9.]+, pool \\d+%)")
            .matcher(text);
    int lines = 0;
    long images = 0;
    while (progress.find()) {
      lines++;
      images = Long.parseLong(progress.group(1));
    }
    assertTrue(lines >= 5, "expected a progress line every 2 s:\n" + text);
    assertTrue(images > 100, "the job processed images:\n" + text);
    assertTrue(text.contains("demo finished after"), text);
    assertTrue(
        text.contains("model v1 (step 5,"),
        "the built-in subscriber saw a model version:\n" + text);
    String line =
        text.lines().filter(l -> l.startsWith("{\"versions_published\":")).findFirst().orElse("{}");
    JsonObject json = JsonParser.parseString(line).getAsJsonObject();
    assertTrue(json.has("versions_published"), "JSON summary: " + line + "\n" + text);
    assertTrue(json.get("versions_published").getAsLong() >= 1, line);
    assertTrue(json.get("checkpoints_completed").getAsLong() >= 1, line);
    // Shut down: the dashboard port is closed again.
    assertThrows(
        ConnectException.class,
        () ->
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/overview"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
  }

  private static int freePortOtherThan(int taken) throws IOException {
    int port = LoopbackPorts.free();
    while (port == taken) {
      port = LoopbackPorts.free();
    }
    return port;
  }

  /** A numeric metric of a vertex (0 while it is not there yet). */
  private static long metric(int port, String jobId, String vertexPrefix, String suffix) {
    return LocalRest.vertexMetric(port, jobId, vertexPrefix, suffix)
        .map(value -> (long) Double.parseDouble(value))
        .orElse(0L);
  }
}
