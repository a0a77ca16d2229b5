package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.f2c.batching.DualBatchSampler;
import io.f2c.model.Embedder;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.FaceSets;
import io.f2c.testing.TinyTrainers;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Run k steps, snapshot, run k more == restore the snapshot in a fresh trainer and run the same k:
 * bit for bit.
 */
public class TrainerSnapshotTest {
  private static final PreprocessSpec SPEC = TinyTrainers.SPEC;

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
    List<float[]> expectedGallery;
    List<float[]> expectedMomentum;
    byte[] expectedState;
    // Both augmentations on: the flip (the default) and a 2-pixel shift.
    TrainerConfig config = TinyTrainers.builder(head).shiftPixels(2).build();
    try (F2cTrainer trainer = new F2cTrainer(config)) {
      for (Step s : steps.subList(0, 3)) {
        trainer.step(s.identities(), s.instances());
      }
      snapshot = trainer.snapshot();
      for (int i = 3; i < 6; i++) {
        expectedLosses[i - 3] =
            trainer.step(steps.get(i).identities(), steps.get(i).instances()).loss();
      }
      expected = trainer.probeValues();
      expectedGallery = values(trainer.networks().galleryArrays());
      expectedMomentum = values(trainer.optimizer().buffers());
      expectedState = trainer.snapshot();
      if (head == TrainerConfig.Head.DCP) {
        expectedPool = trainer.pool().featureValues();
        expectedOrder =
            trainer.pool().lru().mostRecentFirst().toString()
                + Arrays.toString(trainer.pool().toggles());
      }
    }
    // Not vacuous: the DCP trainer has a gallery net G (the FC one has none), both have momentum.
    assertEquals(head == TrainerConfig.Head.DCP, !expectedGallery.isEmpty(), "arrays of G");
    assertFalse(expectedMomentum.isEmpty(), "momentum buffers");
    try (F2cTrainer fresh = new F2cTrainer(config)) {
      fresh.restore(snapshot);
      assertEquals(3, fresh.steps());
      // The whole state (step, P with its BatchNorm statistics, G, momentum, pool) as snapshotted.
      assertArrayEquals(snapshot, fresh.snapshot(), "the restored state is the snapshot's");
      for (int i = 3; i < 6; i++) {
        float loss = fresh.step(steps.get(i).identities(), steps.get(i).instances()).loss();
        assertEquals(
            Float.floatToIntBits(expectedLosses[i - 3]),
            Float.floatToIntBits(loss),
            "loss of step " + i);
      }
      List<float[]> actual = fresh.probeValues();
      assertEquals(expected.size(), actual.size());
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), actual.get(i), "probe array " + i);
      }
      if (head == TrainerConfig.Head.DCP) {
        assertArrayEquals(expectedPool, fresh.pool().featureValues());
        assertEquals(
            expectedOrder,
            fresh.pool().lru().mostRecentFirst().toString()
                + Arrays.toString(fresh.pool().toggles()));
      }
      // G and the momentum buffers directly, then every byte: not all of them reach a loss or P
      // within three steps (G's BatchNorm running statistics never do: G normalises by batch).
      assertSameArrays(expectedGallery, values(fresh.networks().galleryArrays()), "G array ");
      assertSameArrays(expectedMomentum, values(fresh.optimizer().buffers()), "momentum buffer ");
      assertEquals(6, fresh.steps());
      assertArrayEquals(expectedState, fresh.snapshot(), "training continues bit for bit");
    }
  }

  private static List<float[]> values(List<NDArray> arrays) {
    return arrays.stream().map(NDArray::toFloatArray).toList();
  }

  /** Equal bit for bit (JUnit compares floats by their bits), array by array. */
  private static void assertSameArrays(List<float[]> expected, List<float[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + "count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), what + i);
    }
  }

  /**
   * The same continuation, again and again while another thread keeps the JVM collecting garbage
   * and reusing freed direct memory: a value libtorch still needs must never live in memory the JVM
   * frees (see {@code TorchScalars}). Before that rule, about half of these continuations differed.
   */
  @ParameterizedTest
  @EnumSource(TrainerConfig.Head.class)
  void restoredTrainerContinuesBitForBitWhileTheJvmCollectsGarbage(TrainerConfig.Head head)
      throws InterruptedException {
    List<Step> steps = batches(5);
    byte[] snapshot;
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(head))) {
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      snapshot = trainer.snapshot();
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger collections = new AtomicInteger();
    Thread collector =
        new Thread(
            () -> {
              while (running.get()) {
                System.gc();
                ByteBuffer junk = ByteBuffer.allocateDirect(1 << 16);
                while (junk.hasRemaining()) {
                  junk.put((byte) 0x7f);
                }
                collections.incrementAndGet();
              }
            },
            "garbage-collections");
    collector.start();
    try {
      List<float[]> first = null;
      for (int run = 0; run < 6; run++) {
        try (F2cTrainer fresh = new F2cTrainer(TinyTrainers.tiny(head))) {
          fresh.restore(snapshot);
          for (Step s : steps.subList(1, 5)) {
            fresh.step(s.identities(), s.instances());
          }
          List<float[]> values = fresh.probeValues();
          if (first == null) {
            first = values;
          } else {
            for (int i = 0; i < first.size(); i++) {
              assertArrayEquals(first.get(i), values.get(i), "run " + run + ", probe array " + i);
            }
          }
        }
      }
    } finally {
      running.set(false);
      collector.join();
    }
    assertTrue(collections.get() > 6, "the JVM collected " + collections.get() + " times");
  }

  @Test
  void trainingChangesTheNetworkAndSnapshotsGuardTheirFormat() {
    List<Step> steps = batches(2);
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      List<float[]> before = trainer.probeValues();
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      List<float[]> after = trainer.probeValues();
      assertFalse(Arrays.equals(before.get(0), after.get(0)), "one step must change P");
      byte[] snapshot = trainer.snapshot();
      // Settings that do not shape the state may change between runs; the restored state is the
      // snapshot's.
      TrainerConfig rerun =
          TinyTrainers.builder(TrainerConfig.Head.DCP)
              .seed(8)
              .torchThreads(2)
              .schedule(LearningRateSchedule.cosine(0.01f, 1, 10, 0.1f))
              .sgd(0.5f, 0f, false)
              .build();
      try (F2cTrainer other = new F2cTrainer(rerun)) {
        other.restore(snapshot);
        assertEquals(trainer.steps(), other.steps());
        assertArrayEquals(after.get(0), other.probeValues().get(0));
      }
      // A structural one is refused, naming the option.
      TrainerConfig otherPool =
          TinyTrainers.builder(TrainerConfig.Head.DCP).head(TrainerConfig.Head.DCP, 7, 40).build();
      try (F2cTrainer other = new F2cTrainer(otherPool)) {
        var e = assertThrows(IllegalArgumentException.class, () -> other.restore(snapshot));
        assertTrue(
            e.getMessage().contains("--pool-size 6, this job has --pool-size 7"), e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> trainer.restore(new byte[] {1, 2, 3}));
    }
  }

  @Test
  void exportedModelEmbedsLikeTheTrainer() {
    List<Step> steps = batches(2);
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      float[] images = steps.get(1).instances().images();
      float[] fromTrainer = trainer.embed(images, 6);
      try (Embedder embedder = Embedder.load(trainer.exportModel())) {
        assertEquals(SPEC, embedder.input());
        assertEquals(16, embedder.embeddingDim());
        assertEquals(Backbone.SMALL_CNN, embedder.architecture());
        assertTrue(embedder.testTimeFlip(), "the config's default, carried by the model");
        // The trainer embeds each image alone; so does the model with its test-time flip off.
        assertArrayEquals(fromTrainer, embedder.testTimeFlip(false).embed(images, 6), 1e-6f);
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

  /**
   * A large array is written block by block (never copied onto the heap whole) with exactly the
   * bytes of writing all its values at once, so snapshots and digests do not change.
   */
  @Test
  void aLargeArrayIsWrittenInBlocksAsTheWholeWouldBe() throws Exception {
    int rows = 2_500;
    int width = 1_000; // 2.5M floats: three blocks, the last one partial
    float[] values = new float[rows * width];
    Random random = new Random(5);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray array = manager.create(values, new Shape(rows, width));
      ByteArrayOutputStream blocks = new ByteArrayOutputStream();
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(blocks)) {
        TrainerSnapshot.writeArray(out, array);
      }
      try (DataOutputStream out = new DataOutputStream(whole)) {
        TrainerSnapshot.writeFloats(out, values);
      }
      assertTrue(values.length > 2 * TrainerSnapshot.BLOCK_FLOATS, "more than two blocks");
      assertArrayEquals(whole.toByteArray(), blocks.toByteArray());
    }
  }
}
