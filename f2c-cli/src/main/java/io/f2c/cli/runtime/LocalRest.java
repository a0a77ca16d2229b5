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
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalRest() {}

  /** GET http://127.0.0.1:port/path; the body, or "" when the server does not answer. */
  public static String get(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The JSON answer of GET path, or empty when the server does not answer with JSON. */
  public static Optional<JsonElement> json(int port, String path) {
    String body = get(port, path);
    if (body.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JsonParser.parseString(body));
    } catch (JsonParseException e) {
      return Optional.empty();
    }
  }

  /** The JSON object answer of GET path, or empty. */
  public static Optional<JsonObject> object(int port, String path) {
    return json(port, path).filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject);
  }

  /** The id of the running job called {@code name}, from /jobs/overview. */
  public static Optional<String> runningJob(int port, String name) {
    // While the dispatcher starts, the REST server answers with {"errors": [...]}: no job yet.
    return object(port, "/jobs/overview").filter(overview -> overview.has("jobs")).stream()
        .flatMap(overview -> overview.getAsJsonArray("jobs").asList().stream())
        .map(JsonElement::getAsJsonObject)
        .filter(job -> name.equals(job.get("name").getAsString()))
        .filter(job -> "RUNNING".equals(job.get("state").getAsString()))
        .map(job -> job.get("jid").getAsString())
        .findFirst();
  }

  /**
   * The value of the metric whose id ends with {@code suffix} on the first vertex whose name starts
   * with {@code prefix}, or empty while there is none.
   */
  public static Optional<String> vertexMetric(
      int port, String jobId, String prefix, String suffix) {
    String vertex = vertexId(port, jobId, prefix);
    if (vertex == null) {
      return Optional.empty();
    }
    String metrics = "/jobs/" + jobId + "/vertices/" + vertex + "/metrics";
    Optional<String> id =
        json(port, metrics).filter(JsonElement::isJsonArray).stream()
            .flatMap(list -> list.getAsJsonArray().asList().stream())
            .map(m -> m.getAsJsonObject().get("id").getAsString())
            .filter(name -> name.endsWith(suffix))
            .findFirst();
    return id.flatMap(name -> json(port, metrics + "?get=" + name))
        .filter(JsonElement::isJsonArray)
        .flatMap(values -> values.getAsJsonArray().asList().stream().findFirst())
        .map(value -> value.getAsJsonObject().get("value").getAsString());
  }

  /**
   * The id of the first vertex of job {@code jobId} whose name starts with {@code prefix}, or null.
   */
  public static String vertexId(int port, String jobId, String prefix) {
    return object(port, "/jobs/" + jobId)
        .map(job -> job.getAsJsonArray("vertices"))
        .flatMap(
            vertices ->
                vertices.asList().stream()
                    .map(JsonElement::getAsJsonObject)
                    .filter(v -> v.get("name").getAsString().startsWith(prefix))
                    .map(v -> v.get("id").getAsString())
                    .findFirst())
        .orElse(null);
  }

  /** Number of completed checkpoints of a job, or -1 when unknown. */
  public static long completedCheckpoints(int port, String jobId) {
    return object(port, "/jobs/" + jobId + "/checkpoints")
        .map(c -> c.getAsJsonObject("counts"))
        .map(counts -> counts.get("completed").getAsLong())
        .orElse(-1L);
  }
}
