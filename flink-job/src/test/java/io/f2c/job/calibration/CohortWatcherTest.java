package io.f2c.job.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.eval.ThresholdCalibration;
import io.f2c.job.ingest.DecodedFace;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.model.Embedder;
import io.f2c.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Watched identities form cohorts of three in order of arrival; each version is scored on the first
 * and the latest complete cohort as {@link ThresholdCalibration} scores those faces outside the
 * operator; forgetting is the first cohort's best score minus its score now; a restore keeps the
 * cohorts.
 */
class CohortWatcherTest {
  private static final Random RANDOM = new Random(5);

  private static DecodedFace face(String id, int n) {
    byte[] pixels = new byte[TestModels.SPEC.tensorLength()];
    RANDOM.nextBytes(pixels);
    return new DecodedFace(id, id + "-" + n, 0, pixels);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, PublishedModel, DecodedFace, PublishedModel>
      harness(CohortWatcher watcher) throws Exception {
    return VersionOperatorHarness.of(watcher);
  }

  private static double expected(byte[] blob, List<DecodedFace> faces) {
    int length = TestModels.SPEC.tensorLength();
    float[] images = new float[faces.size() * length];
    String[] labels = new String[faces.size()];
    for (int i = 0; i < faces.size(); i++) {
      TestModels.SPEC.normalize(faces.get(i).pixels, images, i * length);
      labels[i] = faces.get(i).identityId;
    }
    try (Embedder embedder = Embedder.load(blob)) {
      return ThresholdCalibration.choose(
              embedder.embed(images, faces.size()), labels, embedder.dim())
          .balancedAccuracy();
    }
  }

  @Test
  void versionsAreScoredOnTheFirstAndLatestCohortAndARestoreKeepsThem() throws Exception {
    // Cohort 0: a, b, c paired; h has one face and is left out. Cohort 1: d, e, f.
    DecodedFace a1 = face("a", 1), b1 = face("b", 1), h1 = face("h", 1), a2 = face("a", 2);
    DecodedFace b2 = face("b", 2), c1 = face("c", 1), c2 = face("c", 2);
    DecodedFace d1 = face("d", 1), d2 = face("d", 2), e1 = face("e", 1), e2 = face("e", 2);
    DecodedFace f1 = face("f", 1), f2 = face("f", 2);
    List<DecodedFace> firstCohort = List.of(a1, b1, a2, b2, c1, c2);
    List<DecodedFace> secondCohort = List.of(d1, e1, d2, e2, f1, f2);
    List<DecodedFace> arrivals = new ArrayList<>(List.of(a1, b1, h1, a2, b2, c1, c2));
    // A third face of a (its cohort is closed) and h's second face (too late) are ignored.
    arrivals.addAll(List.of(d1, face("a", 3), e1, d2, face("h", 2), e2, f1, f2));
    byte[] v1 = TestModels.blob(1);
    byte[] v2 = TestModels.blob(2);
    OperatorSubtaskState checkpoint;
    double first1;
    double first2;
    CohortWatcher watcher = new CohortWatcher(3);
    try (var harness = harness(watcher)) {
      harness.open();
      for (DecodedFace f : arrivals) {
        harness.processElement2(new StreamRecord<>(f));
      }
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(1, v1)));
      first1 = watcher.firstAccuracy();
      assertEquals(expected(v1, firstCohort), first1, 1e-9);
      assertEquals(expected(v1, secondCohort), watcher.latestAccuracy(), 1e-9);
      assertEquals(1, watcher.latestCohort());
      assertEquals(0.0, watcher.firstForgetting(), 1e-12);
      checkpoint = harness.snapshot(1, 1);
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(2, v2)));
      first2 = watcher.firstAccuracy();
      assertEquals(expected(v2, firstCohort), first2, 1e-9);
      assertEquals(Math.max(first1, first2) - first2, watcher.firstForgetting(), 1e-12);
      assertEquals(2, harness.extractOutputValues().size(), "every version goes on");
    }
    CohortWatcher restored = new CohortWatcher(3);
    try (var harness = harness(restored)) {
      harness.initializeState(checkpoint);
      harness.open();
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(2, v2)));
      assertEquals(first2, restored.firstAccuracy(), 1e-12);
      assertEquals(expected(v2, secondCohort), restored.latestAccuracy(), 1e-9);
      assertEquals(Math.max(first1, first2) - first2, restored.firstForgetting(), 1e-12);
    }
  }

  @Test
  void beforeTheFirstCohortIsCompleteVersionsPassUnscored() throws Exception {
    CohortWatcher watcher = new CohortWatcher(3);
    try (var harness = harness(watcher)) {
      harness.open();
      for (DecodedFace f : List.of(face("a", 1), face("a", 2), face("b", 1), face("b", 2))) {
        harness.processElement2(new StreamRecord<>(f));
      }
      harness.processElement1(
          new StreamRecord<>(VersionOperatorHarness.model(1, TestModels.blob(1))));
      assertTrue(Double.isNaN(watcher.firstAccuracy()));
      assertEquals(1, harness.extractOutputValues().size());
    }
  }

  @Test
  void watchedIdentitiesAreAShareOfTheTrainedOnesAndNeverHeldOut() {
    int watched = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "id-" + i;
      if (WatchedIdentities.isWatched(id, 0.02)) {
        watched++;
        assertTrue(!HeldOutIdentities.isHeldOut(id, 0.5), id);
      }
    }
    assertTrue(watched > 300 && watched < 500, "about 2% of 20,000: " + watched);
  }
}
