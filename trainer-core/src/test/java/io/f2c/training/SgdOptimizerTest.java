package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SGD with Nesterov momentum and weight decay against numbers worked out by hand. */
class SgdOptimizerTest {
  private static final float LR = 0.1f;

  /** Back-propagates loss = sum(w * c), so that the gradient of w is exactly c. */
  private static void gradient(NDArray w, float[] c) {
    try (NDManager scratch = w.getManager().newSubManager();
        GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
      tape.backward(w.mul(scratch.create(c)).sum());
    }
  }

  @Test
  void twoNesterovStepsWithWeightDecayMatchTheHandComputedValues() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray w = manager.create(new float[] {1f, -2f});
      w.setRequiresGradient(true);
      SgdOptimizer sgd = new SgdOptimizer(0.9f, 0.01f, true);
      sgd.register(List.of(w));
      float[] c = {0.5f, 0.25f};

      // g = c + 0.01 w = (0.51, 0.23); buf = g; step = g + 0.9 buf = (0.969, 0.437); w -= 0.1 step.
      sgd.zeroGradients();
      gradient(w, c);
      sgd.step(LR);
      assertArrayEquals(new float[] {0.9031f, -2.0437f}, w.toFloatArray(), 1e-6f);

      // g = c + 0.01 w = (0.509031, 0.229563); buf = 0.9 (0.51, 0.23) + g = (0.968031, 0.436563);
      // step = g + 0.9 buf = (1.3802589, 0.6224697); w -= 0.1 step.
      sgd.zeroGradients();
      gradient(w, c);
      sgd.step(LR);
      assertArrayEquals(new float[] {0.76507411f, -2.10594697f}, w.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void aNonFiniteGradientIsSkippedAndTheNextStepsTrainNormally() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray w = manager.create(new float[] {1f, -2f});
      w.setRequiresGradient(true);
      SgdOptimizer sgd = new SgdOptimizer(0.9f, 0.01f, true);
      sgd.register(List.of(w));

      sgd.zeroGradients();
      gradient(w, new float[] {Float.NaN, 1f});
      assertFalse(sgd.clipGradients(20f), "a NaN gradient is refused");
      assertArrayEquals(new float[] {1f, -2f}, w.toFloatArray(), "and nothing was applied");

      // The same two steps as without the bad batch: its NaN must not survive in the gradients.
      float[] c = {0.5f, 0.25f};
      for (float[] expected : new float[][] {{0.9031f, -2.0437f}, {0.76507411f, -2.10594697f}}) {
        sgd.zeroGradients();
        gradient(w, c);
        assertTrue(sgd.clipGradients(20f), "a finite gradient is applied");
        sgd.step(LR);
        assertArrayEquals(expected, w.toFloatArray(), 1e-6f);
      }
    }
  }
}
