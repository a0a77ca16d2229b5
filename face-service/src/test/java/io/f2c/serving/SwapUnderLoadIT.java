package io.f2c.serving;

import static io.f2c.serving.FaceServerTest.body;
import static io.f2c.serving.FaceServerTest.enrollBody;
import static io.f2c.testing.ServiceFixtures.face;
import static io.f2c.testing.ServiceFixtures.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.recognition.EncodedImage;
import io.f2c.recognition.Recognizer;
import io.f2c.recognition.RecognizerSettings;
import io.f2c.schema.ModelUpdate;
import io.f2c.testing.Await;
import io.f2c.testing.ModelTopicWriter;
import io.f2c.testing.ServiceFixtures.Offline;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A load check across a version swap, not a timed assertion: 8 clients verify and identify over
 * HTTP for a few seconds while a second version is published to the models topic (embedded Kafka,
 * one transaction) and a ninth client keeps enrolling. Every answer must be whole: computed by v1
 * or by v2, as that version computes it offline (its own embedder on the probe and on its
 * re-embedded templates); once any client has received an answer by v2, no request sent later is
 * answered by v1. Prints latency and throughput.
 */
class SwapUnderLoadIT {
  private static final int CLIENTS = 8;
  private static final int IDENTITIES = 6;
  private static final List<Integer> GALLERY_IMAGES = List.of(0, 1, 2);
  private static final List<Integer> PROBE_IMAGES = List.of(3, 4);
  private static final int MAX_LATE = 100;
  private static final float V2_THRESHOLD = 0.8f;

  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<Long> latencyNanos = Collections.synchronizedList(new ArrayList<>());
  private final Map<Long, AtomicLong> answersByVersion = new ConcurrentHashMap<>();

  /** When the first answer by v2 was received (nanoTime): requests sent later must get v2. */
  private final AtomicLong firstV2Received = new AtomicLong(Long.MAX_VALUE);

  private volatile boolean running = true;

  /**
   * What one version answers, computed offline: the templates of id0.. and late0.. and the probe
   * embeddings.
   */
  private record Expected(Map<String, float[]> templates, float[][] probes) {
    double verify(int probe, String identity) {
      return Offline.cosine(probes[probe], templates.get(identity));
    }
  }

  @Test
  void answersSwitchFromV1ToV2WithoutErrorsOrMixedVersions() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    String topic = "models-" + UUID.randomUUID();
    byte[][] blobs = {null, TestModels.blob(11, true), TestModels.blob(12, true)};
    Expected[] expected = {null, expected(blobs[1]), expected(blobs[2])};
    RecognizerSettings settings = RecognizerSettings.DEFAULTS.withFallbackThreshold(0.6);
    try (ModelTopicWriter writer = new ModelTopicWriter(bootstrap, topic);
        Recognizer recognizer =
            Recognizer.followingTopic(KafkaClientConfig.of(bootstrap), topic, "f2c", settings);
        FaceServer server = FaceServer.start(recognizer, ServerSettings.loopback())) {
      writer.publish(ModelTopicWriter.chunks(1, blobs[1], 16 * 1024), true); // no threshold
      HttpJson http = new HttpJson(server.url());
      Await.until("v1 answers", Duration.ofSeconds(60), () -> status(http, "/health") == 200);
      for (int id = 0; id < IDENTITIES; id++) {
        int identity = id;
        byte[][] images = GALLERY_IMAGES.stream().map(i -> png(identity, i)).toArray(byte[][]::new);
        assertEquals(200, http.post("/v1/enroll", enrollBody("id" + id, images)).status());
      }

      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        threads.add(new Thread(() -> clientLoop(client, server.url(), expected), "client-" + c));
      }
      List<Integer> lateEnrolled = new CopyOnWriteArrayList<>();
      threads.add(new Thread(() -> enrolLoop(server.url(), lateEnrolled), "enroller"));
      long start = System.nanoTime();
      threads.forEach(Thread::start);
      Thread.sleep(2_000);

      List<ModelUpdate> v2 = ModelTopicWriter.chunks(2, blobs[2], 16 * 1024);
      v2.forEach(chunk -> chunk.setVerificationThreshold(V2_THRESHOLD));
      long published = System.nanoTime();
      writer.publish(v2, true);
      Await.until(
          "answers by v2",
          Duration.ofSeconds(60),
          () -> count(2) > 0 || problems.size() >= 50,
          () -> " (answers " + answersByVersion + ", problems " + problems + ")");
      long swapped = System.nanoTime();
      Thread.sleep(3_000);
      running = false;
      for (Thread t : threads) {
        t.join(30_000);
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      JsonObject model = http.get("/v1/model").json();
      assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())));
      assertTrue(count(1) > 0 && count(2) > 0, "answers by both versions: " + answersByVersion);
      assertEquals(Set.of(1L, 2L), answersByVersion.keySet());
      assertEquals(2, model.get("version").getAsLong());
      assertEquals("model", model.get("thresholdSource").getAsString());

      // Enrolments made while v2 re-embedded the gallery are in v2's gallery, embedded by v2.
      try (Offline v2Offline = new Offline(blobs[2])) {
        for (int j : lateEnrolled) {
          JsonObject probe = body("image", png(100 + j, 2));
          probe.addProperty("identity", "late" + j);
          HttpJson.Reply reply = http.post("/v1/verify", probe);
          assertEquals(200, reply.status(), "late" + j + ": " + reply.json());
          double want =
              Offline.cosine(
                  v2Offline.embed(face(100 + j, 2)),
                  v2Offline.template(List.of(face(100 + j, 0), face(100 + j, 1))));
          assertEquals(want, reply.json().get("score").getAsDouble(), 1e-5, "late" + j);
        }
      }
      print(seconds, (swapped - published) / 1e6, model, lateEnrolled.size());
    }
  }

  private void clientLoop(int client, String url, Expected[] expected) {
    HttpJson http = new HttpJson(url);
    long last = 0;
    int probes = IDENTITIES * PROBE_IMAGES.size();
    String[] probeImages = new String[probes]; // encoded once: the clients should not be the load
    for (int p = 0; p < probes; p++) {
      probeImages[p] =
          HttpJson.base64(png(p / PROBE_IMAGES.size(), PROBE_IMAGES.get(p % PROBE_IMAGES.size())));
    }
    for (int n = client; running && problems.size() < 50; n++) {
      int probe = n % probes;
      int identity = (n / probes + client) % IDENTITIES;
      byte[] image =
          png(probe / PROBE_IMAGES.size(), PROBE_IMAGES.get(probe % PROBE_IMAGES.size()));
      JsonObject request = body("image", image);
      boolean verify = n % 2 == 0;
      if (verify) {
        request.addProperty("identity", "id" + identity);
      } else {
        request.addProperty("k", 3);
      }
      try {
        long t0 = System.nanoTime();
        HttpJson.Reply reply = http.post(verify ? "/v1/verify" : "/v1/identify", request);
        latencyNanos.add(System.nanoTime() - t0);
        if (reply.status() != 200) {
          problems.add("HTTP " + reply.status() + ": " + reply.json());
          continue;
        }
        JsonObject json = reply.json();
        long version = json.get("version").getAsLong();
        answersByVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
        if (version != 1 && version != 2) {
          problems.add("answer by v" + version);
          continue;
        }
        if (version < last) {
          problems.add(Thread.currentThread().getName() + ": v" + version + " after v" + last);
        }
        if (version == 2) {
          firstV2Received.accumulateAndGet(System.nanoTime(), Math::min);
        } else if (t0 > firstV2Received.get()) {
          problems.add("v1 answered a request sent after another client received v2's answer");
        }
        last = version;
        checkThreshold(json, version);
        Expected want = expected[(int) version];
        if (verify) {
          checkScore(json.get("score").getAsDouble(), want.verify(probe, "id" + identity), json);
        } else {
          for (JsonElement m : json.getAsJsonArray("matches")) {
            String name = m.getAsJsonObject().get("identity").getAsString();
            checkScore(
                m.getAsJsonObject().get("score").getAsDouble(), want.verify(probe, name), json);
          }
        }
      } catch (Exception e) {
        problems.add(e.toString());
      }
    }
  }

  /** Enrols a new identity every 50 ms while the clients run (bounded: MAX_LATE at most). */
  private void enrolLoop(String url, List<Integer> enrolled) {
    HttpJson http = new HttpJson(url);
    for (int j = 0; running && j < MAX_LATE; j++) {
      try {
        HttpJson.Reply reply =
            http.post("/v1/enroll", enrollBody("late" + j, png(100 + j, 0), png(100 + j, 1)));
        if (reply.status() == 200) {
          enrolled.add(j);
        } else {
          problems.add("enroll late" + j + ": HTTP " + reply.status() + " " + reply.json());
        }
        Thread.sleep(50);
      } catch (Exception e) {
        problems.add("enroll late" + j + ": " + e);
      }
    }
  }

  private void checkThreshold(JsonObject json, long version) {
    String source = json.get("thresholdSource").getAsString();
    double threshold = json.get("threshold").getAsDouble();
    boolean right =
        version == 1
            ? source.equals("configured") && threshold == 0.6
            : source.equals("model")
                && threshold == Double.parseDouble(Float.toString(V2_THRESHOLD));
    if (!right) {
      problems.add("v" + version + " answered with threshold " + threshold + " from " + source);
    }
  }

  private void checkScore(double got, double want, JsonObject json) {
    if (Math.abs(got - want) > 1e-5) {
      problems.add("score " + got + ", its version computes " + want + ": " + json);
    }
  }

  private static Expected expected(byte[] blob) {
    try (Offline offline = new Offline(blob)) {
      Map<String, float[]> templates = new HashMap<>();
      for (int j = 0; j < MAX_LATE; j++) {
        templates.put("late" + j, offline.template(List.of(face(100 + j, 0), face(100 + j, 1))));
      }
      float[][] probes = new float[IDENTITIES * PROBE_IMAGES.size()][];
      for (int id = 0; id < IDENTITIES; id++) {
        int identity = id;
        List<EncodedImage> gallery = GALLERY_IMAGES.stream().map(i -> face(identity, i)).toList();
        templates.put("id" + id, offline.template(gallery));
        for (int p = 0; p < PROBE_IMAGES.size(); p++) {
          probes[id * PROBE_IMAGES.size() + p] = offline.embed(face(id, PROBE_IMAGES.get(p)));
        }
      }
      return new Expected(templates, probes);
    }
  }

  private long count(long version) {
    AtomicLong n = answersByVersion.get(version);
    return n == null ? 0 : n.get();
  }

  private static int status(HttpJson http, String path) {
    try {
      return http.get(path).status();
    } catch (Exception e) {
      return -1;
    }
  }

  private void print(double seconds, double swapMs, JsonObject model, int late) {
    long[] sorted;
    synchronized (latencyNanos) {
      sorted = latencyNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    System.out.printf(
        Locale.ROOT,
        "swap under load: %d clients, %d requests in %.1f s = %.0f requests/s; latency p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms; answers v1 %d, v2 %d; v2 answered %.0f ms after its"
            + " publication (re-embedding %d ms); %d identities enrolled during the run%n",
        CLIENTS,
        sorted.length,
        seconds,
        sorted.length / seconds,
        percentile(sorted, 0.50) / 1e6,
        percentile(sorted, 0.99) / 1e6,
        sorted[sorted.length - 1] / 1e6,
        count(1),
        count(2),
        swapMs,
        model.get("reembedMs").getAsLong(),
        late);
  }

  private static long percentile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }
}
