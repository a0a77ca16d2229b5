package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
    int port = freePort();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> F2cCli.run(new String[] {
        "demo", "--seconds", "25", "--dashboard-port", String.valueOf(port), "--rate", "40",
        "--synthetic-identities", "50", "--input-size", "64", "--progress-interval-ms", "2000",
        "--checkpoint-dir", tmp.resolve("chk").toString()}, print, print));

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String[] overview = {""};
    Await.until("the job RUNNING in /jobs/overview", Duration.ofSeconds(60), () -> {
      overview[0] = get(http, port, "/jobs/overview");
      return overview[0].contains("\"state\":\"RUNNING\"") && overview[0].contains("f2c-face-training");
    }, () -> "\nlast answer: " + overview[0] + "\noutput:\n" + out);
    // The web dashboard itself is served, not just the REST API.
    assertTrue(get(http, port, "/").contains("<html"), "dashboard page");

    int rc = demo.get(120, TimeUnit.SECONDS);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    assertTrue(text.contains("Flink dashboard: http://127.0.0.1:" + port + "/"), text);
    Matcher progress = Pattern.compile("RUNNING \\| images (\\d+) .* identities (\\d+) \\| rejected 0").matcher(text);
    int lines = 0;
    long images = 0;
    while (progress.find()) {
      lines++;
      images = Long.parseLong(progress.group(1));
    }
    assertTrue(lines >= 5, "expected a progress line every 2 s:\n" + text);
    assertTrue(images > 100, "the job processed images:\n" + text);
    assertTrue(text.contains("demo finished after"), text);
    // Shut down: the dashboard port is closed again.
    assertThrows(ConnectException.class, () -> http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/overview")).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  private static String get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
