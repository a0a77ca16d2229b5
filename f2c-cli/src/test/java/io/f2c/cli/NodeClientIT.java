package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.export.OnnxExport;
import io.f2c.job.publishing.ModelChunker;
import io.f2c.job.publishing.ModelUpdateSplitter;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.model.ModelAssembler;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.ModelUpdate;
import io.f2c.subscribing.ModelSubscriber;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.testing.ModelTopicWriter;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js client in {@code clients/node} against a real broker: versions published as the job
 * publishes them (F2C blob and ONNX copy in one transaction, through the job's own splitter), the
 * client's embeddings of PNG and PGM faces equal the Java subscriber's within 1e-4, and it reports
 * the newest committed version, not an aborted one. Needs Node.js and npm on the PATH (the client's
 * packages are installed with {@code npm ci} when missing); skipped without them, failing under
 * CI=true.
 */
class NodeClientIT {
  private static final String MODELS = "node-client-models";
  private static final String ONNX = "node-client-onnx";

  @TempDir Path dir;

  @Test
  void theNodeClientEmbedsTheLatestCommittedVersionAsTheJavaSubscriberDoes() throws Exception {
    Path client = clientDir();
    String bootstrap = SharedKafka.bootstrapServers();
    try (ModelTopicWriter writer = new ModelTopicWriter(bootstrap, MODELS)) {
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic(ONNX, 1, (short) 1))).all().get();
      }
      publish(writer, version(1, TestModels.blob(21, true), 0.31f), true);
      publish(writer, version(2, TestModels.blob(22, true), 0.42f), true);
      publish(writer, version(3, TestModels.blob(23, true), 0.53f), false);
    }

    SyntheticFaces faces = new SyntheticFaces(5, 40);
    List<Path> images = new ArrayList<>();
    List<ImageFormat> formats = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      images.add(
          Files.write(dir.resolve("face" + i + ".png"), faces.encoded(i, i, ImageFormat.PNG)));
      formats.add(ImageFormat.PNG);
    }
    images.add(Files.write(dir.resolve("grey.pgm"), pgm(37, 45, 7)));
    formats.add(ImageFormat.PGM);

    JsonObject answer = runClient(client, bootstrap, images);
    assertEquals("f2c", answer.get("model").getAsString());
    assertEquals(2, answer.get("version").getAsLong(), "the newest committed version: " + answer);
    assertEquals(0.42f, answer.get("verificationThreshold").getAsFloat());
    assertEquals("small-cnn", answer.get("architecture").getAsString());

    try (ModelSubscriber subscriber = ModelSubscriber.start(bootstrap, MODELS, "f2c", v -> {})) {
      assertEquals(2, subscriber.awaitFirst(Duration.ofSeconds(60)).orElseThrow().version());
      ImageDecoder decoder = new ImageDecoder(TestModels.SPEC, 1 << 24, 1 << 24);
      JsonArray rows = answer.getAsJsonArray("embeddings");
      assertEquals(images.size(), rows.size());
      for (int i = 0; i < images.size(); i++) {
        float[] input = decoder.networkInput(Files.readAllBytes(images.get(i)), formats.get(i));
        float[] expected = subscriber.embed(input, 1).values();
        JsonArray row = rows.get(i).getAsJsonArray();
        assertEquals(expected.length, row.size());
        float worst = 0;
        for (int k = 0; k < expected.length; k++) {
          worst = Math.max(worst, Math.abs(expected[k] - row.get(k).getAsFloat()));
        }
        assertTrue(worst <= 1e-4f, images.get(i) + ": largest difference " + worst);
      }
    }
  }

  /** A binary PGM of random grey values (not square, so the central crop matters). */
  private static byte[] pgm(int width, int height, long seed) {
    byte[] header = ("P5\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    byte[] pixels = new byte[width * height];
    new Random(seed).nextBytes(pixels);
    byte[] file = new byte[header.length + pixels.length];
    System.arraycopy(header, 0, file, 0, header.length);
    System.arraycopy(pixels, 0, file, header.length, pixels.length);
    return file;
  }

  /** Version {@code v} as the trainer hands it to the publisher. */
  private static PublishedModel version(long v, byte[] blob, float threshold) {
    PublishedModel model = new PublishedModel();
    model.modelName = "f2c";
    model.version = v;
    model.trainingStep = 10 * v;
    model.createdAtMillis = System.currentTimeMillis();
    model.architecture = "small-cnn";
    model.embeddingDim = TestModels.DIM;
    model.setInput(TestModels.SPEC);
    model.testTimeFlip = true;
    model.verificationThreshold = threshold;
    model.blob = blob;
    return model;
  }

  /** Both formats of a version through the job's splitter, in one transaction. */
  private static void publish(ModelTopicWriter writer, PublishedModel model, boolean commit)
      throws Exception {
    List<ModelUpdate> chunks = new ArrayList<>();
    new ModelUpdateSplitter(true)
        .flatMap(
            model,
            new Collector<>() {
              @Override
              public void collect(ModelUpdate record) {
                chunks.add(record);
              }

              @Override
              public void close() {}
            });
    assertTrue(chunks.stream().anyMatch(c -> ModelChunker.FORMAT_ONNX.equals(c.getFormat())));
    writer.publish(
        chunks, c -> ModelChunker.FORMAT_ONNX.equals(c.getFormat()) ? ONNX : MODELS, commit);
  }

  private JsonObject runClient(Path client, String bootstrap, List<Path> images) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                client.resolve("bin/f2c-embed.js").toString(),
                "--bootstrap",
                bootstrap,
                "--topic",
                ONNX,
                "--model",
                "f2c",
                "--timeout-ms",
                "60000"));
    images.forEach(p -> command.add(p.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("client.out").toFile())
            .redirectError(dir.resolve("client.err").toFile())
            .start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the client finished within 120 s");
    String out = Files.readString(dir.resolve("client.out"));
    String err = Files.readString(dir.resolve("client.err"));
    assertEquals(0, process.exitValue(), "client failed: " + err);
    assertEquals(1, out.lines().count(), "one JSON line: " + out);
    JsonObject answer = JsonParser.parseString(out).getAsJsonObject();
    // The ONNX version it checked is the one on the topic: its SHA-256 is the export's.
    PublishedModel v2 = version(2, TestModels.blob(22, true), 0.42f);
    byte[] onnx = OnnxExport.fromBlob(v2.blob, ModelUpdateSplitter.onnxMetadata(v2));
    assertEquals(ModelAssembler.sha256Hex(onnx), answer.get("sha256").getAsString());
    return answer;
  }

  /** clients/node with its packages installed; skips (or fails under CI) without Node.js. */
  private static Path clientDir() throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("clients/node/package.json"))) {
      root = root.getParent();
    }
    assertTrue(root != null, "clients/node is in the repository");
    Path client = root.resolve("clients/node");
    boolean ci = "true".equals(System.getenv("CI"));
    if (!commandWorks(client, "node", "--version")) {
      if (ci) {
        throw new AssertionError("CI must provide Node.js (node on the PATH) for clients/node");
      }
      Assumptions.abort("Node.js is not installed: the Node client's test needs node and npm");
    }
    if (!Files.isDirectory(client.resolve("node_modules"))
        && !commandWorks(client, "npm", "ci", "--no-audit", "--no-fund")) {
      throw new AssertionError("npm ci failed in " + client + "; run it there to see why");
    }
    return client;
  }

  private static boolean commandWorks(Path dir, String... command)
      throws IOException, InterruptedException {
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
