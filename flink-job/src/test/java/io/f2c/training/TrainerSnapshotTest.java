package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.DualBatchSampler;
import io.f2c.model.Embedder;
import io.f2c.model.backbone.Backbones;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.FaceSets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Run k steps, snapshot, run k more == restore the snapshot in a fresh trainer and run the same k: bit for bit. */
public class TrainerSnapshotTest {
  public static final PreprocessSpec SPEC = PreprocessSpec.of(16, 3, 1.0);

  public static TrainerConfig tiny(TrainerConfig.Head head) {
    return TrainerConfig.defaults()
        .withBackbone(Backbones.SMALL_CNN, 16, SPEC)
        .withHead(head, 6, 40)
        .withMargin(F2cLoss.Margin.ARCFACE, 16f, 0.3f)
        .withOptimizer(LearningRateSchedule.step(0.05f, 2, new int[] {4}, 0.5f), 0.9f, 5e-4f, true)
        .withRuntime(7, "cpu", 1);
  }

  record Step(TrainingBatches.IdentityBatch identities, TrainingBatches.InstanceBatch instances) {}

  static List<Step> batches(int count) {
    DualBatchSampler sampler = new DualBatchSampler(FaceSets.synthetic(5, 0, 12, 3, SPEC), 11);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      steps.add(new Step(sampler.identityBatch(3), sampler.instanceBatch(6)));
    }
    return steps;
  }

  @ParameterizedTest
  @EnumSource(TrainerConfig.Head.class)
  void restoredTrainerContinuesBitForBit(TrainerConfig.Head head) {
    List<Step> steps = batches(6);
    byte[] snapshot;
    List<float[]> expected;
    float[] expectedPool = null;
    String expectedOrder = null;
    float[] expectedLosses = new float[3];
    try (F2cTrainer trainer = new F2cTrainer(tiny(head))) {
      for (Step s : steps.subList(0, 3)) {
        trainer.step(s.identities(), s.instances());
      }
      snapshot = trainer.snapshot();
      for (int i = 3; i < 6; i++) {
        expectedLosses[i - 3] = trainer.step(steps.get(i).identities(), steps.get(i).instances()).loss();
      }
      expected = trainer.probeValues();
      if (head == TrainerConfig.Head.DCP) {
        expectedPool = trainer.pool().featureValues();
        expectedOrder = trainer.pool().lru().mostRecentFirst().toString() + Arrays.toString(trainer.pool().toggles());
      }
    }
    try (F2cTrainer fresh = new F2cTrainer(tiny(head))) {
      fresh.restore(snapshot);
      assertEquals(3, fresh.steps());
      for (int i = 3; i < 6; i++) {
        float loss = fresh.step(steps.get(i).identities(), steps.get(i).instances()).loss();
        assertEquals(Float.floatToIntBits(expectedLosses[i - 3]), Float.floatToIntBits(loss), "loss of step " + i);
      }
      List<float[]> actual = fresh.probeValues();
      assertEquals(expected.size(), actual.size());
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), actual.get(i), "probe array " + i);
      }
      if (head == TrainerConfig.Head.DCP) {
        assertArrayEquals(expectedPool, fresh.pool().featureValues());
        assertEquals(expectedOrder,
            fresh.pool().lru().mostRecentFirst().toString() + Arrays.toString(fresh.pool().toggles()));
      }
      assertEquals(6, fresh.steps());
    }
  }

  @Test
  void trainingChangesTheNetworkAndSnapshotsGuardTheirFormat() {
    List<Step> steps = batches(2);
    try (F2cTrainer trainer = new F2cTrainer(tiny(TrainerConfig.Head.DCP))) {
      List<float[]> before = trainer.probeValues();
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      List<float[]> after = trainer.probeValues();
      assertFalse(Arrays.equals(before.get(0), after.get(0)), "one step must change P");
      byte[] snapshot = trainer.snapshot();
      try (F2cTrainer other = new F2cTrainer(tiny(TrainerConfig.Head.DCP).withRuntime(8, "cpu", 1))) {
        var e = assertThrows(IllegalArgumentException.class, () -> other.restore(snapshot));
        assertTrue(e.getMessage().contains("another trainer config"), e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> trainer.restore(new byte[] {1, 2, 3}));
    }
  }

  @Test
  void exportedModelEmbedsLikeTheTrainer() {
    List<Step> steps = batches(2);
    try (F2cTrainer trainer = new F2cTrainer(tiny(TrainerConfig.Head.DCP))) {
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      float[] images = steps.get(1).instances().images();
      float[] fromTrainer = trainer.embed(images, 6);
      try (Embedder embedder = Embedder.load(trainer.exportModel())) {
        assertEquals(SPEC, embedder.input());
        assertEquals(16, embedder.embeddingDim());
        assertEquals(Backbones.SMALL_CNN, embedder.architecture());
        assertArrayEquals(fromTrainer, embedder.embed(images, 6), 1e-6f);
      }
      for (int i = 0; i < 6; i++) {
        double norm = 0;
        for (int d = 0; d < 16; d++) {
          norm += fromTrainer[i * 16 + d] * fromTrainer[i * 16 + d];
        }
        assertEquals(1.0, norm, 1e-4, "embeddings are L2-normalised");
      }
      assertThrows(IllegalArgumentException.class, () -> Embedder.load(new byte[] {0, 0, 0, 0}));
    }
  }
}
