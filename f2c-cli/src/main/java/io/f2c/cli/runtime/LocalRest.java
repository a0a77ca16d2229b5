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
import java.util.ArrayList;
import java.util.List;
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
    return metricValues(port, jobId, prefix, suffix, 1).stream().findFirst();
  }

  /**
   * The sum over all subtasks of the metric whose id ends with {@code suffix}, on the first vertex
   * whose name starts with {@code prefix}; empty while there is none.
   */
  public static Optional<Double> vertexMetricSum(
      int port, String jobId, String prefix, String suffix) {
    List<String> values = metricValues(port, jobId, prefix, suffix, Integer.MAX_VALUE);
    return values.isEmpty()
        ? Optional.empty()
        : Optional.of(values.stream().mapToDouble(Double::parseDouble).sum());
  }

  /**
   * Values of every metric whose id ends with {@code suffix} on the first vertex whose name starts
   * with {@code prefix} (one per subtask and state, say).
   */
  public static List<String> vertexMetrics(int port, String jobId, String prefix, String suffix) {
    return metricValues(port, jobId, prefix, suffix, Integer.MAX_VALUE);
  }

  /** The names of a job's vertices. */
  public static List<String> vertexNames(int port, String jobId) {
    return object(port, "/jobs/" + jobId)
        .filter(job -> job.has("vertices"))
        .map(
            job ->
                job.getAsJsonArray("vertices").asList().stream()
                    .map(v -> v.getAsJsonObject().get("name").getAsString())
                    .toList())
        .orElse(List.of());
  }

  /** Values of at most {@code most} metrics whose ids end with {@code suffix} (one per subtask). */
  private static List<String> metricValues(
      int port, String jobId, String prefix, String suffix, int most) {
    String vertex = vertexId(port, jobId, prefix);
    if (vertex == null) {
      return List.of();
    }
    String metrics = "/jobs/" + jobId + "/vertices/" + vertex + "/metrics";
    List<String> ids =
        json(port, metrics).filter(JsonElement::isJsonArray).stream()
            .flatMap(list -> list.getAsJsonArray().asList().stream())
            .map(m -> m.getAsJsonObject().get("id").getAsString())
            .filter(name -> name.endsWith(suffix))
            .limit(most)
            .toList();
    if (ids.isEmpty()) {
      return List.of();
    }
    return json(port, metrics + "?get=" + String.join(",", ids))
        .filter(JsonElement::isJsonArray)
        .map(
            values ->
                values.getAsJsonArray().asList().stream()
                    .map(v -> v.getAsJsonObject().get("value").getAsString())
                    .toList())
        .orElse(List.of());
  }

  /** Whether every vertex of job {@code jobId} is RUNNING (its state restored, if any). */
  public static boolean allRunning(int port, String jobId) {
    return object(port, "/jobs/" + jobId)
        .map(job -> job.getAsJsonArray("vertices"))
        .map(
            vertices ->
                !vertices.isEmpty()
                    && vertices.asList().stream()
                        .allMatch(
                            v -> "RUNNING".equals(v.getAsJsonObject().get("status").getAsString())))
        .orElse(false);
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

  /**
   * The completed checkpoints in the REST API's history of a job (its last few), oldest first, as
   * the API gives them (id, end_to_end_duration, state_size, checkpointed_size, external_path ...).
   */
  public static List<JsonObject> completedCheckpointHistory(int port, String jobId) {
    List<JsonObject> completed = new ArrayList<>();
    object(port, "/jobs/" + jobId + "/checkpoints")
        .filter(body -> body.has("history"))
        .ifPresent(
            body -> {
              for (JsonElement entry : body.getAsJsonArray("history")) {
                JsonObject checkpoint = entry.getAsJsonObject();
                if ("COMPLETED".equals(checkpoint.get("status").getAsString())) {
                  completed.add(0, checkpoint); // the history is newest first
                }
              }
            });
    return completed;
  }

  /** Number of completed checkpoints of a job, or -1 when unknown. */
  public static long completedCheckpoints(int port, String jobId) {
    return object(port, "/jobs/" + jobId + "/checkpoints")
        .map(c -> c.getAsJsonObject("counts"))
        .map(counts -> counts.get("completed").getAsLong())
        .orElse(-1L);
  }
}
