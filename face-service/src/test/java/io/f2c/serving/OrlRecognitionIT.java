package io.f2c.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.f2c.batching.DualBatchSampler;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.recognition.ModelRelease;
import io.f2c.recognition.Recognizer;
import io.f2c.recognition.RecognizerSettings;
import io.f2c.testing.FaceSets;
import io.f2c.testing.ServiceFixtures;
import io.f2c.testing.SharedData;
import io.f2c.training.F2cLoss;
import io.f2c.training.F2cTrainer;
import io.f2c.training.LearningRateSchedule;
import io.f2c.training.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service on real faces (ORL, from ../shared/data): identities s31-s40 enrolled over HTTP with
 * images 1-5 each, their images 6-10 identified and verified over HTTP; first with an untrained
 * model, then, after a swap that re-embeds the gallery, with one trained here for a few seconds
 * (F2C, 120 steps) on s1-s30 only. Prints rank-1 and verification accuracy of both; the figures are
 * small-model, short-training ones, not the project's accuracy.
 */
class OrlRecognitionIT {
  private static final PreprocessSpec SPEC = PreprocessSpec.of(32, 1, 1.0);
  private static final int STEPS = 120;
  private static final double THRESHOLD = 0.5;

  /** What one version scored over HTTP. */
  record Figures(double rank1, double accuracyAtThreshold, double bestAccuracy, double best) {}

  @Test
  void unseenOrlIdentitiesEnrolledOverHttpAreIdentified() throws Exception {
    Path orl = SharedData.require("orl");
    TrainerConfig config =
        TrainerConfig.builder()
            .network(Backbone.SMALL_CNN, 64, SPEC)
            .head(TrainerConfig.Head.DCP, 20, 1000)
            .margin(F2cLoss.Margin.COSFACE, 16f, 0.25f)
            .schedule(LearningRateSchedule.cosine(0.05f, 10, STEPS, 0.05f))
            .seed(3)
            // One PyTorch thread, as in TrainerLearningTest.
            .torchThreads(1)
            .build();
    byte[] untrained;
    byte[] trained;
    long start = System.nanoTime();
    Map<String, List<float[]>> training =
        FaceSets.folder(orl, SPEC, (identity, file) -> subject(identity) <= 30);
    try (F2cTrainer trainer = new F2cTrainer(config)) {
      untrained = trainer.exportModel();
      DualBatchSampler sampler = new DualBatchSampler(training, 17);
      for (int i = 0; i < STEPS; i++) {
        trainer.step(sampler.identityBatch(8), sampler.instanceBatch(16));
      }
      trained = trainer.exportModel();
    }
    double trainSeconds = (System.nanoTime() - start) / 1e9;

    RecognizerSettings settings = RecognizerSettings.DEFAULTS.withFallbackThreshold(THRESHOLD);
    try (Recognizer recognizer = new Recognizer(settings);
        FaceServer server = FaceServer.start(recognizer, ServerSettings.loopback())) {
      recognizer.install(release(1, untrained));
      HttpJson http = new HttpJson(server.url());
      for (int s = 31; s <= 40; s++) {
        JsonObject enroll = new JsonObject();
        enroll.addProperty("identity", "s" + s);
        JsonArray images = new JsonArray();
        for (int n = 1; n <= 5; n++) {
          images.add(HttpJson.base64(image(orl, s, n)));
        }
        enroll.add("images", images);
        HttpJson.Reply reply = http.post("/v1/enroll", enroll);
        assertEquals(200, reply.status(), String.valueOf(reply.json()));
      }
      Figures before = measure(http, orl, 1);
      recognizer.install(release(2, trained)); // the gallery is embedded again by the new version
      Figures after = measure(http, orl, 2);
      System.out.printf(
          Locale.ROOT,
          "ORL s31-s40 over HTTP (5 enrolled, 5 probes each; %d px grey small-cnn): untrained rank-1"
              + " %.3f, verification accuracy %.3f at threshold %.2f (best %.3f at %.3f); trained"
              + " %d steps on s1-s30 (%.0f s): rank-1 %.3f, verification accuracy %.3f at %.2f"
              + " (best %.3f at %.3f)%n",
          SPEC.size(),
          before.rank1(),
          before.accuracyAtThreshold(),
          THRESHOLD,
          before.bestAccuracy(),
          before.best(),
          STEPS,
          trainSeconds,
          after.rank1(),
          after.accuracyAtThreshold(),
          THRESHOLD,
          after.bestAccuracy(),
          after.best());
      assertTrue(after.rank1() > 0.3, "rank-1 well above chance (0.1): " + after);
    }
  }

  /**
   * Identifies every probe (rank-1) and verifies it against every enrolled identity: accuracy
   * balanced over same and different pairs, at the service's threshold and at the best one.
   */
  private static Figures measure(HttpJson http, Path orl, long version) throws Exception {
    int correct = 0;
    int probes = 0;
    List<double[]> pairs = new ArrayList<>(); // {score, same}
    for (int s = 31; s <= 40; s++) {
      for (int n = 6; n <= 10; n++) {
        String image = HttpJson.base64(image(orl, s, n));
        JsonObject identify = new JsonObject();
        identify.addProperty("image", image);
        identify.addProperty("k", 1);
        JsonObject answer = http.post("/v1/identify", identify).json();
        assertEquals(version, answer.get("version").getAsLong(), answer.toString());
        String best =
            answer.getAsJsonArray("matches").get(0).getAsJsonObject().get("identity").getAsString();
        correct += best.equals("s" + s) ? 1 : 0;
        probes++;
        for (int t = 31; t <= 40; t++) {
          JsonObject verify = new JsonObject();
          verify.addProperty("image", image);
          verify.addProperty("identity", "s" + t);
          JsonObject v = http.post("/v1/verify", verify).json();
          assertEquals(version, v.get("version").getAsLong(), v.toString());
          pairs.add(new double[] {v.get("score").getAsDouble(), s == t ? 1 : 0});
        }
      }
    }
    double bestAccuracy = 0;
    double best = 0;
    for (double[] candidate : pairs) {
      double accuracy = balancedAccuracy(pairs, candidate[0]);
      if (accuracy > bestAccuracy) {
        bestAccuracy = accuracy;
        best = candidate[0];
      }
    }
    return new Figures(
        correct / (double) probes, balancedAccuracy(pairs, THRESHOLD), bestAccuracy, best);
  }

  /** The mean of the share of same pairs at or above the threshold and of different pairs below. */
  private static double balancedAccuracy(List<double[]> pairs, double threshold) {
    double[] right = new double[2];
    double[] total = new double[2];
    for (double[] p : pairs) {
      int same = (int) p[1];
      total[same]++;
      right[same] += (p[0] >= threshold) == (same == 1) ? 1 : 0;
    }
    return (right[0] / total[0] + right[1] / total[1]) / 2;
  }

  private static ModelRelease release(long version, byte[] blob) {
    return new ModelRelease(
        "orl",
        version,
        version == 1 ? 0 : STEPS,
        Instant.now(),
        blob,
        null,
        null,
        ServiceFixtures.sha256(blob),
        0,
        "trained in OrlRecognitionIT");
  }

  private static byte[] image(Path orl, int subject, int number) throws Exception {
    return Files.readAllBytes(orl.resolve("s" + subject).resolve(number + ".pgm"));
  }

  private static int subject(String identity) {
    return Integer.parseInt(identity.substring(1));
  }
}
