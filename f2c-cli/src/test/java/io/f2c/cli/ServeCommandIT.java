package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.schema.ModelUpdate;
import io.f2c.testing.Await;
import io.f2c.testing.ModelTopicWriter;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code f2c serve} over a model file and over the models topic (a real in-process broker). */
class ServeCommandIT {
  private static final Pattern URL = Pattern.compile("serving on (http://127\\.0\\.0\\.1:\\d+) ");
  private final HttpClient http = HttpClient.newHttpClient();

  /** A running {@code f2c serve} and what it printed. */
  private static final class Served {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final AtomicInteger rc = new AtomicInteger(-1);
    final Thread thread;

    Served(String... args) {
      thread =
          new Thread(
              () ->
                  rc.set(
                      F2cCli.run(
                          args,
                          new PrintStream(out, true, StandardCharsets.UTF_8),
                          new PrintStream(out, true, StandardCharsets.UTF_8))),
              "f2c-serve");
      thread.start();
    }

    String text() {
      return out.toString(StandardCharsets.UTF_8);
    }

    String url() throws InterruptedException {
      Await.until(
          "the URL line", Duration.ofSeconds(60), () -> URL.matcher(text()).find(), this::text);
      Matcher m = URL.matcher(text());
      assertTrue(m.find());
      return m.group(1);
    }

    int awaitExit() throws InterruptedException {
      thread.join(60_000);
      return rc.get();
    }
  }

  @Test
  void servesAModelFileWithTheConfiguredThreshold(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("f2c-v7.f2cm");
    Files.write(file, TestModels.blob(3, true));
    Served served =
        new Served(
            "serve",
            "--model",
            file.toString(),
            "--port",
            "0",
            "--threshold",
            "0.42",
            "--seconds",
            "4");
    String url = served.url();
    assertEquals(1, served.text().lines().count(), "one line: " + served.text());
    assertEquals(200, get(url + "/health").statusCode());
    JsonObject model = JsonParser.parseString(get(url + "/v1/model").body()).getAsJsonObject();
    assertEquals(7, model.get("version").getAsLong());
    assertEquals(0.42, model.get("threshold").getAsDouble());
    assertEquals("configured", model.get("thresholdSource").getAsString());
    assertEquals(0, served.awaitExit(), served.text());
  }

  @Test
  void followsTheModelsTopic() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    String topic = "models-" + UUID.randomUUID();
    try (ModelTopicWriter writer = new ModelTopicWriter(bootstrap, topic)) {
      Served served =
          new Served(
              "serve",
              "--bootstrap-servers",
              bootstrap,
              "--models-topic",
              topic,
              "--port",
              "0",
              "--seconds",
              "20");
      String url = served.url();
      assertEquals(503, get(url + "/health").statusCode(), "no version yet");
      List<ModelUpdate> v4 = ModelTopicWriter.chunks(4, TestModels.blob(4, true), 16 * 1024);
      v4.forEach(c -> c.setVerificationThreshold(0.55f));
      writer.publish(v4, true);
      Await.until("v4 served", Duration.ofSeconds(30), () -> status(url + "/health") == 200);
      JsonObject model = JsonParser.parseString(get(url + "/v1/model").body()).getAsJsonObject();
      assertEquals(4, model.get("version").getAsLong());
      assertEquals(0.55, model.get("threshold").getAsDouble());
      assertEquals("model", model.get("thresholdSource").getAsString());
      assertEquals(400, model.get("trainingStep").getAsLong());
      assertEquals(0, served.awaitExit(), served.text());
    }
  }

  @Test
  void wrongUseIsAOneLineError(@TempDir Path tmp) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, F2cCli.run(new String[] {"serve"}, System.out, errors));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("f2c serve: serve what? give --model FILE or --bootstrap-servers H:P"),
        err.toString(StandardCharsets.UTF_8));
    err.reset();
    String missing = tmp.resolve("missing.f2cm").toString();
    assertEquals(2, F2cCli.run(new String[] {"serve", "--model", missing}, System.out, errors));
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("f2c serve: model file " + missing + " does not exist"), text);
    err.reset();
    assertEquals(2, F2cCli.run(new String[] {"serve", "--threshold", "2"}, System.out, errors));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("[-1, 1]"));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int status(String url) {
    try {
      return get(url).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
