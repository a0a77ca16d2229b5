package io.f2c.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.f2c.training.TrainingBatches;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DualBatchSamplerTest {

  /** Image j of identity i is the single float 10 i + j, so batches can be read back. */
  private static Map<String, List<float[]>> set() {
    Map<String, List<float[]>> set = new LinkedHashMap<>();
    set.put("a", List.of(new float[] {0}, new float[] {1}, new float[] {2}));
    set.put("b", List.of(new float[] {10}, new float[] {11}));
    set.put("c", List.of(new float[] {20})); // one image: instance batches only
    return set;
  }

  @Test
  void identityBatchesPairTwoDifferentImagesOfDistinctIdentities() {
    DualBatchSampler sampler = new DualBatchSampler(set(), 1);
    for (int i = 0; i < 50; i++) {
      TrainingBatches.IdentityBatch batch = sampler.identityBatch(2);
      assertEquals(new HashSet<>(List.of("a", "b")), new HashSet<>(Arrays.asList(batch.ids())));
      for (int k = 0; k < 2; k++) {
        int owner = batch.ids()[k].equals("a") ? 0 : 1;
        assertEquals(owner, (int) batch.first()[k] / 10);
        assertEquals(owner, (int) batch.second()[k] / 10);
        assertFalse(batch.first()[k] == batch.second()[k], "two different images");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> sampler.identityBatch(3));
  }

  @Test
  void instanceBatchesCarryTheirLabelsAndComposeIntoHalves() {
    DualBatchSampler sampler = new DualBatchSampler(set(), 2);
    TrainingBatches.InstanceBatch instances = sampler.instanceBatch(4);
    for (int i = 0; i < 4; i++) {
      assertEquals("abc".charAt((int) instances.images()[i] / 10), instances.labels()[i].charAt(0));
    }
    TrainingBatches.IdentityBatch identities =
        new TrainingBatches.IdentityBatch(new String[] {"a"}, new float[] {0}, new float[] {1});
    TrainingBatches.Composed step = TrainingBatches.compose(identities, instances, 1);
    assertArrayEquals(new float[] {0, instances.images()[0], instances.images()[1]}, step.x());
    assertArrayEquals(new float[] {1, instances.images()[2], instances.images()[3]}, step.y());
    assertArrayEquals(
        new String[] {"a", instances.labels()[0], instances.labels()[1]}, step.xLabels());
    assertArrayEquals(
        new String[] {"a", instances.labels()[2], instances.labels()[3]}, step.yLabels());
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingBatches.compose(identities, sampler.instanceBatch(3), 1));
  }
}
