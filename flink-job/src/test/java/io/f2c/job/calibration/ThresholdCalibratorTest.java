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
 * Each version leaves with the threshold {@link ThresholdCalibration} chooses on the kept held-out
 * faces embedded by that version; none before enough identities; the same after a restore.
 */
class ThresholdCalibratorTest {
  private static KeyedTwoInputStreamOperatorTestHarness<
          String, PublishedModel, DecodedFace, PublishedModel>
      harness(int capacity) throws Exception {
    return VersionOperatorHarness.of(new ThresholdCalibrator(capacity));
  }

  /** {@code perIdentity} faces of each of {@code identities} identities, random pixels. */
  private static List<DecodedFace> faces(int identities, int perIdentity, long seed) {
    Random random = new Random(seed);
    List<DecodedFace> faces = new ArrayList<>();
    for (int i = 0; i < perIdentity; i++) {
      for (int id = 0; id < identities; id++) {
        byte[] pixels = new byte[TestModels.SPEC.tensorLength()];
        random.nextBytes(pixels);
        faces.add(new DecodedFace("held-" + id, "held-" + id + "-" + i, 0, pixels));
      }
    }
    return faces;
  }

  /** The threshold computed outside the operator: the first 4 faces of each identity, in order. */
  private static float expectedThreshold(byte[] blob, List<DecodedFace> kept) {
    int length = TestModels.SPEC.tensorLength();
    float[] images = new float[kept.size() * length];
    String[] labels = new String[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      TestModels.SPEC.normalize(kept.get(i).pixels, images, i * length);
      labels[i] = kept.get(i).identityId;
    }
    try (Embedder embedder = Embedder.load(blob)) {
      return ThresholdCalibration.choose(
              embedder.embed(images, kept.size()), labels, embedder.dim())
          .threshold();
    }
  }

  @Test
  void versionsCarryTheThresholdOfTheKeptHeldOutFacesOnceFourIdentitiesHaveTwo() throws Exception {
    byte[] v1 = TestModels.blob(1);
    byte[] v2 = TestModels.blob(2);
    List<DecodedFace> faces = faces(5, 6, 9);
    try (var harness = harness(64)) {
      harness.open();
      // Three identities with two faces: not yet enough.
      for (DecodedFace f : faces(3, 2, 8)) {
        harness.processElement2(new StreamRecord<>(f));
      }
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(1, v1)));
      assertTrue(Float.isNaN(harness.extractOutputValues().get(0).verificationThreshold));
    }
    try (var harness = harness(64)) {
      harness.open();
      faces.forEach(f -> process(harness, f));
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(1, v1)));
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(2, v2)));
      List<PublishedModel> out = harness.extractOutputValues();
      // Faces arrive round-robin, six rounds: the first four rounds are kept.
      List<DecodedFace> kept = faces.subList(0, 4 * 5);
      assertEquals(expectedThreshold(v1, kept), out.get(0).verificationThreshold, 1e-6f);
      assertEquals(expectedThreshold(v2, kept), out.get(1).verificationThreshold, 1e-6f);
      assertTrue(out.get(0).verificationThreshold != out.get(1).verificationThreshold);
    }
  }

  @Test
  void theCapacityBoundsWhatIsKeptAndARestoreChoosesTheSameThreshold() throws Exception {
    byte[] blob = TestModels.blob(3);
    List<DecodedFace> faces = faces(8, 4, 10);
    OperatorSubtaskState checkpoint;
    float before;
    try (var harness = harness(20)) {
      harness.open();
      faces.forEach(f -> process(harness, f));
      checkpoint = harness.snapshot(1, 1);
      harness.processElement1(new StreamRecord<>(VersionOperatorHarness.model(1, blob)));
      before = harness.extractOutputValues().get(0).verificationThreshold;
    }
    assertEquals(expectedThreshold(blob, faces.subList(0, 20)), before, 1e-6f);
    try (var restored = harness(20)) {
      restored.initializeState(checkpoint);
      restored.open();
      restored.processElement1(new StreamRecord<>(VersionOperatorHarness.model(1, blob)));
      assertEquals(before, restored.extractOutputValues().get(0).verificationThreshold);
    }
  }

  private static void process(
      KeyedTwoInputStreamOperatorTestHarness<String, PublishedModel, DecodedFace, PublishedModel> h,
      DecodedFace face) {
    try {
      h.processElement2(new StreamRecord<>(face));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
