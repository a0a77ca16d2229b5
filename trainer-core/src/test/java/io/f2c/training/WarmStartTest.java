package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.f2c.model.Embedder;
import io.f2c.model.backbone.Backbone;
import io.f2c.testing.TinyTrainers;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A fresh trainer started from a published model embeds exactly as the model does and its gallery
 * is the same network; a model of another shape is refused with the reason, leaving the trainer as
 * it was.
 */
class WarmStartTest {
  private static float[] images(int count) {
    Random random = new Random(3);
    float[] x = new float[count * TinyTrainers.SPEC.tensorLength()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat() * 2 - 1;
    }
    return x;
  }

  @Test
  void theModelsNetworkBecomesProbeAndGalleryAndTheRestStartsFresh() {
    byte[] blob;
    try (F2cTrainer trained = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      for (TrainerSnapshotTest.Step s : TrainerSnapshotTest.batches(4)) {
        trained.step(s.identities(), s.instances());
      }
      blob = trained.exportModel();
    }
    TrainerConfig config = TinyTrainers.builder(TrainerConfig.Head.DCP).seed(99).build();
    try (F2cTrainer fresh = new F2cTrainer(config);
        Embedder model = Embedder.load(blob).testTimeFlip(false)) {
      float[] x = images(3);
      float[] before = fresh.embed(x, 3);
      WarmStart.Outcome outcome = fresh.warmStart(blob);
      assertTrue(outcome.applied(), outcome.reason());
      assertTrue(outcome.reason().contains("the class pool starts empty"), outcome.reason());
      float[] after = fresh.embed(x, 3);
      assertArrayEquals(model.embed(x, 3), after, 1e-6f);
      assertFalse(Arrays.equals(before, after), "the networks changed");
      List<float[]> probe = fresh.probeValues();
      List<NDArray> gallery = fresh.networks().galleryArrays();
      for (int i = 0; i < probe.size(); i++) {
        assertArrayEquals(probe.get(i), gallery.get(i).toFloatArray(), "gallery array " + i);
      }
      assertEquals(0, fresh.steps());
      assertEquals(0, fresh.pool().lru().rowsUsed(), "no identity in the pool");
    }
  }

  @Test
  void aModelOfAnotherEmbeddingSizeIsNotTakenAndTheReasonNamesTheOption() {
    byte[] blob;
    try (F2cTrainer other =
        new F2cTrainer(
            TinyTrainers.builder(TrainerConfig.Head.DCP)
                .network(Backbone.SMALL_CNN, 8, TinyTrainers.SPEC)
                .build())) {
      blob = other.exportModel();
    }
    try (F2cTrainer fresh = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      List<float[]> before = fresh.probeValues();
      WarmStart.Outcome outcome = fresh.warmStart(blob);
      assertFalse(outcome.applied());
      assertTrue(outcome.reason().contains("--embedding-dim 8 (this job: 16)"), outcome.reason());
      List<float[]> after = fresh.probeValues();
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i));
      }
    }
  }

  @Test
  void aTrainerThatTrainedAlreadyIsNotWarmStarted() {
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      TrainerSnapshotTest.Step s = TrainerSnapshotTest.batches(1).get(0);
      trainer.step(s.identities(), s.instances());
      byte[] blob = trainer.exportModel();
      assertThrows(IllegalStateException.class, () -> trainer.warmStart(blob));
    }
  }
}
