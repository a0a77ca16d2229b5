package io.f2c.subscribing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.model.Embedder;
import io.f2c.schema.ModelUpdate;
import io.f2c.testing.Await;
import io.f2c.testing.ModelTopicWriter;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestModels;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriber library against a real (in-process) broker and model versions written as the
 * trainer does.
 */
class ModelSubscriberIT {
  private static final int CHUNK_BYTES = 16 * 1024; // several chunks per version

  private String bootstrap;
  private String topic;
  private ModelTopicWriter writer;

  @BeforeEach
  void setUp() throws Exception {
    bootstrap = SharedKafka.bootstrapServers();
    topic = "models-" + UUID.randomUUID();
    writer = new ModelTopicWriter(bootstrap, topic);
  }

  @AfterEach
  void tearDown() {
    writer.close();
  }

  @Test
  void startsAtTheLatestCompleteVersionSkipsBadOnesAndSwapsAtomically() throws Exception {
    byte[][] blobs = new byte[6][];
    for (int v = 1; v <= 5; v++) {
      blobs[v] = TestModels.blob(v, v == 5); // v5 is published with test-time flips
    }
    assertTrue(
        ModelTopicWriter.chunks(1, blobs[1], CHUNK_BYTES).size() >= 3,
        "the test needs several chunks");
    writer.publish(ModelTopicWriter.chunks(1, blobs[1], CHUNK_BYTES), true);
    writer.publish(ModelTopicWriter.chunks(2, blobs[2], CHUNK_BYTES), true);
    writer.publish(ModelTopicWriter.chunks(3, blobs[3], CHUNK_BYTES), false); // aborted: never seen
    writer.publish(
        ModelTopicWriter.chunks(3, blobs[3], CHUNK_BYTES).subList(0, 2), true); // chunks missing

    List<Long> seen = new CopyOnWriteArrayList<>();
    try (ModelSubscriber subscriber =
        ModelSubscriber.start(bootstrap, topic, "f2c", v -> seen.add(v.version()))) {
      ModelSubscriber.ModelVersion first =
          subscriber.awaitFirst(Duration.ofSeconds(30)).orElseThrow();
      assertEquals(
          2, first.version(), "starts from the latest complete version, not the beginning");
      assertArrayEquals(blobs[2], first.blob());
      assertFalse(first.testTimeFlip());

      // v4: chunks of one blob with another blob's checksum -> skipped; then a good v5.
      List<ModelUpdate> corrupt = ModelTopicWriter.chunks(4, blobs[4], CHUNK_BYTES);
      String wrongSha = ModelTopicWriter.sha256(blobs[1]);
      corrupt.forEach(c -> c.setSha256(wrongSha));
      writer.publish(corrupt, true);
      writer.publish(ModelTopicWriter.chunks(5, blobs[5], CHUNK_BYTES), true);
      Await.until("v5 arrives", Duration.ofSeconds(30), () -> seen.contains(5L));
      assertEquals(List.of(2L, 5L), seen, "only complete, verified versions, in order");
      assertEquals(1, subscriber.skippedVersions());

      float[] images = new float[2 * TestModels.SPEC.tensorLength()];
      for (int i = 0; i < images.length; i++) {
        images[i] = (float) Math.sin(i);
      }
      ModelSubscriber.Embeddings embedded = subscriber.embed(images, 2);
      assertEquals(5, embedded.model().version());
      assertTrue(embedded.model().testTimeFlip(), "as v5's header says");
      try (Embedder v5 = Embedder.load(blobs[5]);
          Embedder v2 = Embedder.load(blobs[2])) {
        assertArrayEquals(v5.embed(images, 2), embedded.values(), 1e-6f);
        assertFalse(Arrays.equals(v2.embed(images, 2), embedded.values()), "v5 differs from v2");
        float[] withoutFlip = v5.testTimeFlip(false).embed(images, 2);
        assertFalse(
            Arrays.equals(withoutFlip, embedded.values()), "the subscriber adds the mirrors");
      }
    }
  }

  @Test
  void embedBeforeAnyVersionIsAClearError() throws Exception {
    try (ModelSubscriber subscriber = ModelSubscriber.start(bootstrap, topic, "f2c", v -> {})) {
      assertTrue(subscriber.awaitFirst(Duration.ofMillis(500)).isEmpty());
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> subscriber.embed(new float[0], 0));
      assertTrue(e.getMessage().contains("no model version has arrived"), e.getMessage());
    }
  }
}
