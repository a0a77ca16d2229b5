package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.f2c.testing.TinyTrainers;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A restored trainer keeps its state where libtorch allocated it (64-byte aligned), not in the Java
 * direct buffers the snapshot's values arrive in (see {@link InPlace}).
 */
public class TrainerMemoryTest {
  @ParameterizedTest
  @EnumSource(TrainerConfig.Head.class)
  void restoredStateStaysInLibtorchMemory(TrainerConfig.Head head) throws Exception {
    List<TrainerSnapshotTest.Step> steps = TrainerSnapshotTest.batches(1);
    byte[] snapshot;
    String digest;
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(head))) {
      trainer.step(steps.get(0).identities(), steps.get(0).instances());
      snapshot = trainer.snapshot();
      digest = trainer.stateDigest();
    }
    try (F2cTrainer restored = new F2cTrainer(TinyTrainers.tiny(head))) {
      List<NDArray> before = stateArrays(restored);
      List<Long> addressesBefore = new ArrayList<>();
      for (NDArray array : before) {
        addressesBefore.add(address(array));
      }
      restored.restore(snapshot);
      List<NDArray> after = stateArrays(restored);
      assertEquals(before.size(), after.size());
      for (int i = 0; i < after.size(); i++) {
        long address = address(after.get(i));
        assertEquals(addressesBefore.get(i), address, "state array " + i + " was moved");
        assertEquals(0, address % 64, "state array " + i + " at " + Long.toHexString(address));
      }
      assertEquals(digest, restored.stateDigest(), "the values are the snapshot's");
    }
  }

  @ParameterizedTest
  @EnumSource(TrainerConfig.Head.class)
  void stepsLeaveNoTensorBehind(TrainerConfig.Head head) {
    List<TrainerSnapshotTest.Step> steps = TrainerSnapshotTest.batches(8);
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(head))) {
      for (int s = 0; s < 2; s++) {
        trainer.step(steps.get(s).identities(), steps.get(s).instances());
      }
      long[] warm = trainer.nativeArrays();
      assertTrue(warm[0] > 3 && warm[1] > 0, "the networks' and the head's arrays are counted");
      for (int s = 2; s < 8; s++) {
        trainer.step(steps.get(s).identities(), steps.get(s).instances());
      }
      long[] later = trainer.nativeArrays();
      assertEquals(warm[0], later[0], "arrays after 2 steps and after 8");
      assertEquals(warm[1], later[1], "bytes after 2 steps and after 8");
    }
  }

  /** P, G, the momentum buffers and the head's own arrays (pool features or class weights). */
  private static List<NDArray> stateArrays(F2cTrainer trainer) {
    List<NDArray> arrays = new ArrayList<>(trainer.networks().probeArrays());
    arrays.addAll(trainer.networks().galleryArrays());
    arrays.addAll(trainer.optimizer().buffers());
    if (trainer.config().head() == TrainerConfig.Head.DCP) {
      arrays.add(trainer.pool().features());
    } else {
      arrays.addAll(trainer.head().trainableArrays());
    }
    assertTrue(arrays.size() > 3);
    return arrays;
  }

  /** Where the tensor's data lies: a direct buffer over it (no copy for a contiguous tensor). */
  private static long address(NDArray array) throws ReflectiveOperationException {
    Buffer view = JniUtils.getByteBuffer((PtNDArray) array, true);
    Field address = Buffer.class.getDeclaredField("address");
    address.setAccessible(true);
    return address.getLong(view);
  }
}
