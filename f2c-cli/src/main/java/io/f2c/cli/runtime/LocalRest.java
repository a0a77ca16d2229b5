package io.f2c.cli.runtime;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Reading the local Flink cluster's REST API (the dashboard's data) on 127.0.0.1. */
public final class LocalRest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalRest() {}

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

  /** The JSON answer of GET path, or empty when the server does not answer with a JSON object. */
  public static Optional<JsonObject> json(int port, String path) {
    String body = get(port, path);
    if (body.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonElement parsed = JsonParser.parseString(body);
      return parsed.isJsonObject() ? Optional.of(parsed.getAsJsonObject()) : Optional.empty();
    } catch (JsonParseException e) {
      return Optional.empty();
    }
  }

  /** The id of the first vertex of job {@code jobId} whose name starts with {@code prefix}, or null. */
  public static String vertexId(int port, String jobId, String prefix) {
    return json(port, "/jobs/" + jobId)
        .map(job -> job.getAsJsonArray("vertices"))
        .flatMap(vertices -> vertices.asList().stream()
            .map(JsonElement::getAsJsonObject)
            .filter(v -> v.get("name").getAsString().startsWith(prefix))
            .map(v -> v.get("id").getAsString())
            .findFirst())
        .orElse(null);
  }

  /** Number of completed checkpoints of a job, or -1 when unknown. */
  public static long completedCheckpoints(int port, String jobId) {
    return json(port, "/jobs/" + jobId + "/checkpoints")
        .map(c -> c.getAsJsonObject("counts"))
        .map(counts -> counts.get("completed").getAsLong())
        .orElse(-1L);
  }
}
