package io.f2c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The constant operations give the values and gradients worked out by hand. */
class TorchScalarsTest {
  @Test
  void valuesAndGradients() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(new float[] {-2f, 0.5f, 3f});
      x.setRequiresGradient(true);
      try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray mul = TorchScalars.mul(x, 4f);
        NDArray div = TorchScalars.div(x, 2f);
        NDArray max = TorchScalars.maximum(x, 0f);
        NDArray min = TorchScalars.minimum(x, 0f);
        assertArrayEquals(new float[] {-8f, 2f, 12f}, mul.toFloatArray());
        assertArrayEquals(new float[] {-1f, 0.25f, 1.5f}, div.toFloatArray());
        assertArrayEquals(new float[] {0f, 0.5f, 3f}, max.toFloatArray());
        assertArrayEquals(new float[] {-2f, 0f, 0f}, min.toFloatArray());
        // d/dx of 4x + x/2 + max(x, 0) + 3 min(x, 0): 4.5 + (x > 0 ? 1 : 3).
        tape.backward(mul.add(div).add(max).add(TorchScalars.mul(min, 3f)).sum());
      }
      assertArrayEquals(new float[] {7.5f, 5.5f, 5.5f}, x.getGradient().toFloatArray());
    }
  }
}
