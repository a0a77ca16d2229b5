package io.f2c.cli.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.cli.runtime.LocalRest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Submits and steers jobs through a Flink cluster's REST API, as the {@code flink} CLI does: the
 * shaded job jar is uploaded ({@code POST /jars/upload}) and run ({@code POST /jars/:id/run}).
 */
public final class JobSubmitter {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int restPort;

  public JobSubmitter(int restPort) {
    this.restPort = restPort;
  }

  /** Uploads {@code jar}; returns its id on the cluster. */
  public String upload(Path jar) throws IOException, InterruptedException {
    String boundary = "f2c-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(Files.readAllBytes(jar));
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    JsonObject answer =
        send(
            HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    String file = answer.get("filename").getAsString();
    return Path.of(file).getFileName().toString();
  }

  /**
   * Runs the uploaded jar's {@code entryClass} with {@code args}; {@code savepoint} (or null)
   * restores a savepoint. Returns the job id, or throws with the cluster's error.
   */
  public String run(
      String jarId, String entryClass, List<String> args, Integer parallelism, String savepoint)
      throws IOException, InterruptedException {
    JsonObject request = new JsonObject();
    request.addProperty("entryClass", entryClass);
    JsonArray programArgs = new JsonArray();
    args.forEach(programArgs::add);
    request.add("programArgsList", programArgs);
    if (parallelism != null) {
      request.addProperty("parallelism", parallelism);
    }
    if (savepoint != null) {
      request.addProperty("savepointPath", savepoint);
      request.addProperty("allowNonRestoredState", false);
    }
    return postJson("/jars/" + jarId + "/run", request).get("jobid").getAsString();
  }

  /** Stops the job with a savepoint into {@code directory}; returns the savepoint's path. */
  public String stopWithSavepoint(String jobId, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    JsonObject request = new JsonObject();
    request.addProperty("targetDirectory", directory.toUri().toString());
    request.addProperty("drain", false);
    String triggerId =
        postJson("/jobs/" + jobId + "/stop", request).get("request-id").getAsString();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject status =
          LocalRest.object(restPort, "/jobs/" + jobId + "/savepoints/" + triggerId).orElseThrow();
      if ("COMPLETED".equals(status.getAsJsonObject("status").get("id").getAsString())) {
        JsonObject operation = status.getAsJsonObject("operation");
        if (operation.has("failure-cause")) {
          throw new IOException("stop-with-savepoint failed: " + operation.get("failure-cause"));
        }
        return operation.get("location").getAsString();
      }
      Thread.sleep(500);
    }
    throw new IOException("no savepoint of " + jobId + " within " + timeout);
  }

  /** The job's state (RUNNING, RESTARTING, FAILED, FINISHED, ...), or empty when unknown. */
  public Optional<String> state(String jobId) {
    // An answer without the field (an {"errors": [...]} while the JobManager is busy) is no answer.
    return LocalRest.object(restPort, "/jobs/" + jobId)
        .filter(job -> job.has("state"))
        .map(job -> job.get("state").getAsString());
  }

  /** How often the job restarted (Flink's numRestarts metric), or -1 when unknown. */
  public long restarts(String jobId) {
    return LocalRest.json(restPort, "/jobs/" + jobId + "/metrics?get=numRestarts")
        .filter(JsonElement::isJsonArray)
        .flatMap(values -> values.getAsJsonArray().asList().stream().findFirst())
        .map(value -> value.getAsJsonObject().get("value").getAsLong())
        .orElse(-1L);
  }

  /** The root cause of each failure in the job's exception history, one line each, newest first. */
  public List<String> exceptions(String jobId) {
    return LocalRest.object(restPort, "/jobs/" + jobId + "/exceptions")
        .filter(body -> body.has("exceptionHistory"))
        .map(body -> body.getAsJsonObject("exceptionHistory").getAsJsonArray("entries"))
        .map(
            entries ->
                entries.asList().stream()
                    .map(e -> rootCause(e.getAsJsonObject().get("stacktrace").getAsString()))
                    .toList())
        .orElse(List.of());
  }

  /** The last "Caused by:" line of a stack trace, else its first line. */
  static String rootCause(String stacktrace) {
    List<String> lines = stacktrace.lines().toList();
    String cause = lines.isEmpty() ? "" : lines.get(0);
    for (String line : lines) {
      if (line.startsWith("Caused by: ")) {
        cause = line.substring("Caused by: ".length());
      }
    }
    return cause;
  }

  /** Completed and failed checkpoints of the job so far, or {-1, -1} when unknown. */
  public long[] checkpointCounts(String jobId) {
    return LocalRest.object(restPort, "/jobs/" + jobId + "/checkpoints")
        .map(body -> body.getAsJsonObject("counts"))
        .map(c -> new long[] {c.get("completed").getAsLong(), c.get("failed").getAsLong()})
        .orElse(new long[] {-1, -1});
  }

  /** The value of user accumulator {@code name} as the REST API shows it, or empty. */
  public Optional<String> accumulator(String jobId, String name) {
    return LocalRest.object(restPort, "/jobs/" + jobId + "/accumulators")
        .map(body -> body.getAsJsonArray("user-task-accumulators"))
        .flatMap(
            list ->
                list.asList().stream()
                    .map(JsonElement::getAsJsonObject)
                    .filter(a -> name.equals(a.get("name").getAsString()))
                    .map(a -> a.get("value").getAsString())
                    .findFirst());
  }

  /** The resource ids of the TaskManagers that run vertex {@code vertexId} of the job. */
  public List<String> taskManagersOf(String jobId, String vertexId) {
    return LocalRest.object(restPort, "/jobs/" + jobId + "/vertices/" + vertexId + "/taskmanagers")
        .filter(body -> body.has("taskmanagers"))
        .map(
            body ->
                body.getAsJsonArray("taskmanagers").asList().stream()
                    .map(tm -> tm.getAsJsonObject().get("taskmanager-id").getAsString())
                    .toList())
        .orElse(List.of());
  }

  /** Cancels the job. */
  public void cancel(String jobId) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException("cancel of " + jobId + ": Flink answered " + response.statusCode());
    }
  }

  private JsonObject postJson(String path, JsonObject request)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(request.toString())));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + restPort + path);
  }

  private static JsonObject send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
    JsonElement body = JsonParser.parseString(response.body().isBlank() ? "{}" : response.body());
    if (response.statusCode() >= 300 || !body.isJsonObject()) {
      throw new IOException("Flink answered " + response.statusCode() + ": " + errors(body));
    }
    return body.getAsJsonObject();
  }

  private static String errors(JsonElement body) {
    if (body.isJsonObject() && body.getAsJsonObject().has("errors")) {
      return String.join(
          " | ",
          body.getAsJsonObject().getAsJsonArray("errors").asList().stream()
              .map(JsonElement::getAsString)
              .toList());
    }
    return body.toString();
  }
}
