package io.f2c.subscribing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.cli.F2cCli;
import io.f2c.ingest.FaceImageProducer;
import io.f2c.kafka.Topics;
import io.f2c.model.Embedder;
import io.f2c.publishing.ModelChunker;
import io.f2c.publishing.PublishedModel;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import io.f2c.testing.Await;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.SyntheticLfw;
import io.f2c.training.F2cTrainer;
import io.f2c.training.TrainerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The subscriber library and {@code f2c subscribe} / {@code f2c eval} against a real (in-process) broker. */
class ModelSubscriberIT {
  private static final int CHUNK_BYTES = 16 * 1024; // several chunks per version

  private String bootstrap;
  private String topic;
  private KafkaProducer<byte[], byte[]> producer;

  @BeforeEach
  void setUp() {
    bootstrap = SharedKafka.bootstrapServers();
    topic = "models-" + UUID.randomUUID();
    Topics.ensure(bootstrap, List.of(new Topics.Spec(topic, 1)));
    Properties props = FaceImageProducer.producerProperties(bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-publisher-" + topic);
    producer = new KafkaProducer<>(props);
    producer.initTransactions();
  }

  @AfterEach
  void tearDown() {
    producer.close();
  }

  /** A real model blob: a tiny trainer's probe net; each seed gives different weights. */
  static byte[] blob(long seed) {
    try (F2cTrainer trainer = new F2cTrainer(io.f2c.training.TrainerSnapshotTest.tiny(TrainerConfig.Head.DCP)
        .withRuntime(seed, "cpu", 1))) {
      return trainer.exportModel();
    }
  }

  static List<ModelUpdate> chunks(long version, byte[] blob) {
    PublishedModel m = new PublishedModel();
    m.modelName = "f2c";
    m.version = version;
    m.trainingStep = 100 * version;
    m.createdAtMillis = System.currentTimeMillis();
    m.architecture = "small-cnn";
    m.embeddingDim = 16;
    m.setInput(io.f2c.training.TrainerSnapshotTest.SPEC);
    m.loss = 1.0 / version;
    m.blob = blob;
    return ModelChunker.chunks(m, CHUNK_BYTES);
  }

  private void publish(List<ModelUpdate> chunks, boolean commit) {
    producer.beginTransaction();
    for (ModelUpdate c : chunks) {
      producer.send(new ProducerRecord<>(topic, c.getModelName().getBytes(StandardCharsets.UTF_8),
          AvroCodec.modelUpdate().encode(c)));
    }
    producer.flush();
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  @Test
  void startsAtTheLatestCompleteVersionSkipsBadOnesAndSwapsAtomically(@TempDir Path tmp) throws Exception {
    byte[][] blobs = new byte[6][];
    for (int v = 1; v <= 5; v++) {
      blobs[v] = blob(v);
    }
    assertTrue(chunks(1, blobs[1]).size() >= 3, "the test needs versions of several chunks");
    publish(chunks(1, blobs[1]), true);
    publish(chunks(2, blobs[2]), true);
    publish(chunks(3, blobs[3]), false); // aborted: a read_committed subscriber never sees it
    publish(chunks(3, blobs[3]).subList(0, 2), true); // a half-published version (chunks missing)

    List<Long> seen = new CopyOnWriteArrayList<>();
    try (ModelSubscriber subscriber = ModelSubscriber.start(bootstrap, topic, "f2c", v -> seen.add(v.version()))) {
      ModelSubscriber.ModelVersion first = subscriber.awaitFirst(Duration.ofSeconds(30)).orElseThrow();
      assertEquals(2, first.version(), "starts from the latest complete version, not the beginning");
      assertArrayEquals(blobs[2], first.blob());

      // v4: chunks of one blob with another blob's checksum -> skipped; then a good v5.
      List<ModelUpdate> corrupt = chunks(4, blobs[4]);
      String wrongSha = io.f2c.model.ModelAssembler.sha256Hex(blobs[1]);
      corrupt.forEach(c -> c.setSha256(wrongSha));
      publish(corrupt, true);
      publish(chunks(5, blobs[5]), true);
      Await.until("v5 arrives", Duration.ofSeconds(30), () -> seen.contains(5L));
      assertEquals(List.of(2L, 5L), seen, "only complete, verified versions, in order");
      assertEquals(1, subscriber.skippedVersions());

      float[] images = new float[2 * io.f2c.training.TrainerSnapshotTest.SPEC.tensorLength()];
      for (int i = 0; i < images.length; i++) {
        images[i] = (float) Math.sin(i);
      }
      ModelSubscriber.Embeddings embedded = subscriber.embed(images, 2);
      assertEquals(5, embedded.model().version());
      try (Embedder v5 = Embedder.load(blobs[5]); Embedder v2 = Embedder.load(blobs[2])) {
        assertArrayEquals(v5.embed(images, 2), embedded.values(), 1e-6f);
        assertFalse(java.util.Arrays.equals(v2.embed(images, 2), embedded.values()), "v5 differs from v2");
      }
    }

    // f2c subscribe: a new subscriber prints and saves the latest complete version (v5) only.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = F2cCli.run(new String[] {"subscribe", "--bootstrap-servers", bootstrap, "--models-topic", topic,
        "--save", tmp.resolve("models").toString(), "--seconds", "4"}, new PrintStream(out, true), System.err);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    assertTrue(text.contains("f2c v5: step 500"), text);
    assertFalse(text.contains("f2c v2:"), text);
    assertArrayEquals(blobs[5], Files.readAllBytes(tmp.resolve("models").resolve("f2c-v5.f2cm")));

    // f2c eval of the latest version on Kafka, on an LFW-shaped synthetic set.
    Path lfw = tmp.resolve("lfw");
    Path pairs = SyntheticLfw.write(lfw, 5, 12, 3, 2, 10);
    ByteArrayOutputStream evalOut = new ByteArrayOutputStream();
    rc = F2cCli.run(new String[] {"eval", "--bootstrap-servers", bootstrap, "--models-topic", topic, "--pairs",
        pairs.toString(), "--images", lfw.toString(), "--roc", tmp.resolve("roc.png").toString()},
        new PrintStream(evalOut, true), System.err);
    String evalText = evalOut.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, evalText);
    assertTrue(evalText.contains("f2c v5 (step 500)"), evalText);
    assertTrue(evalText.strip().lines().reduce((a, b) -> b).orElseThrow().matches(
        "\\{\"label\":\"f2c v5\",\"folds\":\"\\[1,2\\]\",\"pairs\":40,\"accuracy_mean\":[0-9.]+.*\\}"), evalText);
    assertTrue(Files.size(tmp.resolve("roc.png")) > 1000);
  }

  @Test
  void embedBeforeAnyVersionIsAClearError() throws Exception {
    try (ModelSubscriber subscriber = ModelSubscriber.start(bootstrap, topic, "f2c", v -> { })) {
      assertTrue(subscriber.awaitFirst(Duration.ofMillis(500)).isEmpty());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> subscriber.embed(new float[0], 0));
      assertTrue(e.getMessage().contains("no model version has arrived"), e.getMessage());
    }
  }
}
