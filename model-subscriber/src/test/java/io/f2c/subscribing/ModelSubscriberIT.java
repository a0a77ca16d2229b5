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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
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

      float[] images = new float[2 * TestModels.SPEC.tensorLength()];
      for (int i = 0; i < images.length; i++) {
        images[i] = (float) Math.sin(i);
      }
      float[] onV2;
      float[] onV5;
      float[] onV5WithoutFlip;
      try (Embedder v5 = Embedder.load(blobs[5]);
          Embedder v2 = Embedder.load(blobs[2])) {
        onV2 = v2.embed(images, 2);
        onV5 = v5.embed(images, 2);
        onV5WithoutFlip = v5.testTimeFlip(false).embed(images, 2);
      }
      assertTrue(maxDifference(onV2, onV5) > 1e-3, "v5 differs from v2");

      // While v4 and v5 arrive, another thread embeds without pause: each result must be wholly
      // v2's or wholly v5's, and be the version the subscriber says computed it.
      EmbedLoop loop = new EmbedLoop(subscriber, images, Map.of(2L, onV2, 5L, onV5));
      Thread embedding = new Thread(loop, "embed-during-swap");
      embedding.start();
      try {
        Await.until(
            "embeddings on v2",
            Duration.ofSeconds(30),
            () -> loop.count(2) > 0,
            () -> " (problems " + loop.problems + ")");
        // v4: chunks of one blob with another blob's checksum -> skipped; then a good v5.
        List<ModelUpdate> corrupt = ModelTopicWriter.chunks(4, blobs[4], CHUNK_BYTES);
        String wrongSha = ModelTopicWriter.sha256(blobs[1]);
        corrupt.forEach(c -> c.setSha256(wrongSha));
        writer.publish(corrupt, true);
        writer.publish(ModelTopicWriter.chunks(5, blobs[5], CHUNK_BYTES), true);
        Await.until("v5 arrives", Duration.ofSeconds(30), () -> seen.contains(5L));
        Await.until(
            "embeddings on v5",
            Duration.ofSeconds(30),
            () -> loop.count(5) > 0,
            () -> " (problems " + loop.problems + ")");
      } finally {
        loop.running = false;
        embedding.join(10_000);
      }
      assertEquals(List.of(), loop.problems, "embeddings during the swap; counts " + loop.counts);
      assertEquals(List.of(2L, 5L), seen, "only complete, verified versions, in order");
      assertEquals(1, subscriber.skippedVersions());

      ModelSubscriber.Embeddings embedded = subscriber.embed(images, 2);
      assertEquals(5, embedded.model().version());
      assertTrue(embedded.model().testTimeFlip(), "as v5's header says");
      assertArrayEquals(onV5, embedded.values(), 1e-6f);
      assertFalse(Arrays.equals(onV2, embedded.values()), "v5 differs from v2");
      assertFalse(
          Arrays.equals(onV5WithoutFlip, embedded.values()), "the subscriber adds the mirrors");
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /**
   * Embeds the same images until stopped; notes each result that is not the embedding of the
   * version the subscriber reports with it (within 1e-6), and a version going backwards.
   */
  private static final class EmbedLoop implements Runnable {
    private final ModelSubscriber subscriber;
    private final float[] images;
    private final Map<Long, float[]> expected;
    final Map<Long, AtomicLong> counts = new ConcurrentHashMap<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    volatile boolean running = true;

    EmbedLoop(ModelSubscriber subscriber, float[] images, Map<Long, float[]> expected) {
      this.subscriber = subscriber;
      this.images = images;
      this.expected = expected;
    }

    long count(long version) {
      AtomicLong count = counts.get(version);
      return count == null ? 0 : count.get();
    }

    @Override
    public void run() {
      long last = 0;
      while (running && problems.size() < 10) {
        try {
          ModelSubscriber.Embeddings result = subscriber.embed(images, 2);
          long version = result.model().version();
          counts.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
          if (version < last) {
            problems.add("v" + version + " after v" + last);
          }
          last = version;
          float[] want = expected.get(version);
          if (want == null || maxDifference(want, result.values()) > 1e-6) {
            problems.add("reported v" + version + ", computed by " + computedBy(result.values()));
          }
        } catch (RuntimeException e) {
          problems.add(e.toString());
        }
      }
    }

    private String computedBy(float[] values) {
      for (Map.Entry<Long, float[]> e : expected.entrySet()) {
        if (maxDifference(e.getValue(), values) <= 1e-6) {
          return "v" + e.getKey();
        }
      }
      return "neither version";
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
