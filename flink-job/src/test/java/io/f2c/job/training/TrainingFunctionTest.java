package io.f2c.job.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.model.Embedder;
import io.f2c.testing.TinyTrainers;
import io.f2c.training.F2cTrainer;
import io.f2c.training.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The trainer operator through Flink's operator test harness: state restored from a checkpoint is
 * exactly the state that was checkpointed (pool rows, LRU order, toggles, step, P, G, momentum),
 * and training continues identically.
 */
class TrainingFunctionTest {
  private static final TrainerConfig CONFIG = TinyTrainers.tiny(TrainerConfig.Head.DCP);

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, IdentitySample, InstanceBatchRecord, PublishedModel>
      harness() throws Exception {
    return harness(null);
  }

  /** The operator with --init-model {@code init} (null: none). */
  private static KeyedTwoInputStreamOperatorTestHarness<
          String, IdentitySample, InstanceBatchRecord, PublishedModel>
      harness(TrainingSettings.InitModel init) throws Exception {
    return TrainerHarness.of(
        new TrainingFunction(new TrainingSettings(CONFIG, "f2c", 3, 0.5, 2, 0, init, 2)));
  }

  private static F2cTrainer trainer(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> harness) {
    return TrainerHarness.trainer(harness);
  }

  /**
   * Inputs for {@code steps} steps: 3 identity samples of distinct identities and one instance
   * batch each (seeded random 8-bit images).
   */
  private static List<Object> inputs(int steps) {
    Random random = new Random(4);
    int length = TinyTrainers.SPEC.tensorLength();
    List<Object> inputs = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      for (int i = 0; i < 3; i++) {
        inputs.add(
            // Three distinct identities per step: an identity batch never holds one twice.
            new IdentitySample(
                "id-" + ((3 * s + i) % 12), image(random, length), image(random, length)));
      }
      String[] labels = new String[6];
      byte[] images = new byte[6 * length];
      for (int i = 0; i < 6; i++) {
        labels[i] = "id-" + random.nextInt(12);
        System.arraycopy(image(random, length), 0, images, i * length, length);
      }
      inputs.add(new InstanceBatchRecord(labels, images));
    }
    return inputs;
  }

  private static byte[] image(Random random, int length) {
    byte[] pixels = new byte[length];
    random.nextBytes(pixels);
    return pixels;
  }

  private static void feed(
      KeyedTwoInputStreamOperatorTestHarness<
              String, IdentitySample, InstanceBatchRecord, PublishedModel>
          harness,
      List<Object> inputs)
      throws Exception {
    for (Object input : inputs) {
      if (input instanceof IdentitySample sample) {
        harness.processElement1(new StreamRecord<>(sample));
      } else {
        harness.processElement2(new StreamRecord<>((InstanceBatchRecord) input));
      }
    }
  }

  @Test
  void restoredStateEqualsTheCheckpointAndTrainingContinuesIdentically() throws Exception {
    List<Object> inputs = inputs(8);
    // Four steps, then step 5's instance batch and one of its samples: the checkpoint holds a
    // pending batch and a pending sample besides the trainer.
    List<Object> first = new ArrayList<>(inputs.subList(0, 16));
    first.add(inputs.get(19));
    first.add(inputs.get(16));
    List<Object> rest = new ArrayList<>(inputs.subList(17, 19));
    rest.addAll(inputs.subList(20, 32));
    OperatorSubtaskState checkpoint;
    byte[] checkpointedState;
    byte[] finalState;
    List<Long> versions = new ArrayList<>();
    try (var original = harness()) {
      original.setStateBackend(new EmbeddedRocksDBStateBackend(true));
      original.open();
      feed(original, first);
      assertEquals(4, trainer(original).steps());
      checkpoint = original.snapshot(1L, 1L);
      checkpointedState = trainer(original).snapshot();
      feed(original, rest);
      assertEquals(8, trainer(original).steps());
      finalState = trainer(original).snapshot();
      original.extractOutputValues().forEach(m -> versions.add(m.version));
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), versions, "a version every 2 steps");

    // A model to start from is for jobs without state: the checkpoint wins.
    try (var restored = harness(otherModel())) {
      restored.setStateBackend(new EmbeddedRocksDBStateBackend(true));
      restored.initializeState(checkpoint);
      restored.open();
      // The hot pool was rebuilt from RocksDB when the operator opened. With the restored pending
      // sample this one makes two of step 5's three samples: no step yet.
      restored.processElement1(new StreamRecord<>((IdentitySample) rest.get(0)));
      assertEquals(4, trainer(restored).steps());
      assertArrayEquals(
          checkpointedState,
          trainer(restored).snapshot(),
          "pool rows, LRU order, toggles, step, P, G and momentum as checkpointed");
      // The third sample completes step 5 with the restored pending sample and batch.
      restored.processElement1(new StreamRecord<>((IdentitySample) rest.get(1)));
      assertEquals(5, trainer(restored).steps(), "the pending sample and batch came back");
      feed(restored, rest.subList(2, rest.size()));
      assertArrayEquals(finalState, trainer(restored).snapshot(), "training continues bit for bit");
      List<Long> after = restored.extractOutputValues().stream().map(m -> m.version).toList();
      assertEquals(List.of(3L, 4L), after, "model versions continue from the checkpoint");
      assertTrue(trainer(restored).pool().occupancy() > 0);
    }
  }

  /** A model of the test's trainer shape with other weights (another seed). */
  private static TrainingSettings.InitModel otherModel() {
    try (F2cTrainer other =
        new F2cTrainer(TinyTrainers.builder(TrainerConfig.Head.DCP).seed(77).build())) {
      return new TrainingSettings.InitModel("test model", other.exportModel());
    }
  }

  @Test
  void aJobWithoutSavedStateStartsFromTheInitModel() throws Exception {
    TrainingSettings.InitModel init = otherModel();
    float[] x = new float[2 * TinyTrainers.SPEC.tensorLength()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 17) / 17f - 0.5f;
    }
    try (var fresh = harness(init);
        Embedder model = Embedder.load(init.blob()).testTimeFlip(false)) {
      fresh.open();
      assertArrayEquals(model.embed(x, 2), trainer(fresh).embed(x, 2), 1e-6f);
      assertEquals(0, trainer(fresh).steps());
    }
  }

  @Test
  void aJobWithoutSavedStateNumbersItsVersionsAfterThosePublishedBefore() throws Exception {
    try (var fresh =
        TrainerHarness.of(
            new TrainingFunction(new TrainingSettings(CONFIG, "f2c", 3, 0.5, 2, 41)))) {
      fresh.open();
      feed(fresh, inputs(4));
      assertEquals(
          List.of(42L, 43L), fresh.extractOutputValues().stream().map(m -> m.version).toList());
    }
  }
}
