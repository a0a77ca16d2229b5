package io.f2c.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Free loopback ports, and reading the local Flink cluster's REST API (the dashboard's data). */
public final class LocalRest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalRest() {}

  /** A port free on 127.0.0.1 right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** GET http://127.0.0.1:port/path; the body, or "" when the server does not answer. */
  public static String get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The id of the first vertex of job {@code jobId} whose name starts with {@code prefix}, or null. */
  public static String vertexId(int port, String jobId, String prefix) {
    Matcher v = Pattern.compile("\"id\":\"([0-9a-f]+)\",\"slotSharingGroupId\":\"[0-9a-f]+\",\"name\":\""
        + Pattern.quote(prefix)).matcher(get(port, "/jobs/" + jobId));
    return v.find() ? v.group(1) : null;
  }

  /** Number of completed checkpoints of a job, or -1 when unknown. */
  public static long completedCheckpoints(int port, String jobId) {
    Matcher m = Pattern.compile("\"completed\":(\\d+)").matcher(get(port, "/jobs/" + jobId + "/checkpoints"));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
