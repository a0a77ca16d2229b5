package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.f2c.testing.TinyTrainers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One batch that makes the loss NaN is skipped, and training goes on normally after it. */
class NonFiniteBatchTest {

  private static boolean finite(List<float[]> arrays) {
    return arrays.stream()
        .allMatch(
            a -> {
              for (float v : a) {
                if (!Float.isFinite(v)) {
                  return false;
                }
              }
              return true;
            });
  }

  private static List<float[]> values(List<NDArray> arrays) {
    return arrays.stream().map(NDArray::toFloatArray).toList();
  }

  /** Equal bit for bit (JUnit compares floats by their bits), array by array. */
  private static void assertUnchanged(List<float[]> before, List<float[]> after, String what) {
    assertEquals(before.size(), after.size(), what + "count");
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), what + i + " changed");
    }
  }

  /** The pool's LRU order and toggles (its features are compared as floats). */
  private static String poolRows(F2cTrainer trainer) {
    return trainer.pool().lru().mostRecentFirst() + Arrays.toString(trainer.pool().toggles());
  }

  @ParameterizedTest
  @EnumSource(TrainerConfig.Head.class)
  void aNanBatchIsSkippedAndTheFollowingUpdatesAreAppliedAndFinite(TrainerConfig.Head head) {
    List<TrainerSnapshotTest.Step> steps = TrainerSnapshotTest.batches(4);
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(head))) {
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      // Everything a step may change: P (weights and BatchNorm running statistics), G, the
      // momentum buffers and, for DCP, the pool's features, toggles and LRU order.
      List<float[]> before = trainer.probeValues();
      List<float[]> galleryBefore = values(trainer.networks().galleryArrays());
      List<float[]> momentumBefore = values(trainer.optimizer().buffers());
      boolean dcp = head == TrainerConfig.Head.DCP;
      float[] featuresBefore = dcp ? trainer.pool().featureValues() : null;
      String rowsBefore = dcp ? poolRows(trainer) : null;
      assertTrue(finite(before), "P is finite before the NaN batch");

      TrainingBatches.IdentityBatch good = steps.get(1).identities();
      float[] poisoned = good.first().clone();
      Arrays.fill(poisoned, 0, poisoned.length / 2, Float.NaN);
      F2cTrainer.StepResult bad =
          trainer.step(
              new TrainingBatches.IdentityBatch(good.ids(), poisoned, good.second()),
              steps.get(1).instances());
      assertFalse(bad.applied(), "a NaN loss is not applied");
      assertFalse(Float.isFinite(bad.loss()));
      // Skipped means untouched, bit for bit, not merely finite.
      List<float[]> afterBad = trainer.probeValues();
      assertUnchanged(before, afterBad, "P array ");
      assertTrue(finite(afterBad), "P stays finite in every element");
      assertUnchanged(galleryBefore, values(trainer.networks().galleryArrays()), "G array ");
      assertUnchanged(momentumBefore, values(trainer.optimizer().buffers()), "momentum buffer ");
      if (dcp) {
        assertArrayEquals(featuresBefore, trainer.pool().featureValues(), "the pool's features");
        assertEquals(rowsBefore, poolRows(trainer), "the pool's LRU order and toggles");
      }

      for (TrainerSnapshotTest.Step s : steps.subList(2, 4)) {
        List<float[]> previous = trainer.probeValues();
        F2cTrainer.StepResult result = trainer.step(s.identities(), s.instances());
        assertTrue(result.applied(), "step " + result.step() + " is applied");
        assertTrue(
            Float.isFinite(result.loss()), "step " + result.step() + " loss " + result.loss());
        assertFalse(
            Arrays.equals(previous.get(0), trainer.probeValues().get(0)), "the update changed P");
        assertTrue(finite(trainer.probeValues()), "P is finite after step " + result.step());
      }
      float[] embedding = trainer.embed(steps.get(3).instances().images(), 2);
      for (float v : embedding) {
        assertTrue(Float.isFinite(v), "the published network embeds finitely");
      }
      if (head == TrainerConfig.Head.DCP) {
        for (float v : trainer.pool().featureValues()) {
          assertTrue(Float.isFinite(v), "no NaN feature stays in the pool");
        }
      }
    }
  }
}
