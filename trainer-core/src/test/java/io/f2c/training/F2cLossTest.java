package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** F2C's loss against values computed by hand (in double precision, below). */
class F2cLossTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray cos(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return manager.create(flat, new Shape(rows.length, rows[0].length));
  }

  /** -log softmax(s * logits)[target] with logits[target] replaced by {@code targetLogit}. */
  private static double ce(double s, double[] cos, int target, double targetLogit) {
    double sum = 0;
    for (int j = 0; j < cos.length; j++) {
      sum += Math.exp(s * (j == target ? targetLogit : cos[j]));
    }
    return Math.log(sum) - s * targetLogit;
  }

  @Test
  void cosFacePositiveAndClippedTopKNegative() {
    F2cLoss loss = new F2cLoss(F2cLoss.Margin.COSFACE, 2f, 0.4f);
    NDArray c = cos(new float[][] {{0.5f, 0.1f, -0.2f}, {0.3f, 0.9f, -0.1f}});
    double positive = ce(2, new double[] {0.5, 0.1, -0.2}, 0, 0.5 - 0.4);
    double negative = (0.9 + 0.3 + 0.0) / 3; // k = 3 for Q = 3; -0.1 is clipped to 0
    assertEquals(positive + negative, loss.loss(c, new int[] {0, -1}).getFloat(), 1e-5);
  }

  @Test
  void arcFaceAddsTheMarginToTheAngle() {
    F2cLoss loss = new F2cLoss(F2cLoss.Margin.ARCFACE, 4f, 0.5f);
    NDArray c = cos(new float[][] {{0.1f, 0.5f, 0.2f, -0.3f}, {-0.95f, 0.2f, 0.0f, 0.1f}});
    double phi = Math.cos(Math.acos(0.5) + 0.5);
    double first = ce(4, new double[] {0.1, 0.5, 0.2, -0.3}, 1, phi);
    // theta + m beyond pi: insightface's fallback cos - sin(pi - m) * m keeps the target logit
    // monotonic.
    double fallback = -0.95 - Math.sin(Math.PI - 0.5) * 0.5;
    double second = ce(4, new double[] {-0.95, 0.2, 0.0, 0.1}, 0, fallback);
    assertEquals((first + second) / 2, loss.loss(c, new int[] {1, 0}).getFloat(), 1e-5);
  }

  @Test
  void negativesOnlyAndTopKSize() {
    assertEquals(3, F2cLoss.topK(3));
    assertEquals(3, F2cLoss.topK(1_000));
    assertEquals(10, F2cLoss.topK(100_000));
    assertEquals(2, F2cLoss.topK(2));
    assertEquals(4, F2cLoss.topK(20_000));
    F2cLoss loss = new F2cLoss(F2cLoss.Margin.COSFACE, 32f, 0.4f);
    NDArray c = cos(new float[][] {{0.2f, -0.5f, 0.7f, 0.1f}, {-0.2f, -0.3f, -0.1f, -0.4f}});
    // k = 3: row 0 -> 0.7, 0.2, 0.1; row 1 -> all negative, clipped to 0.
    assertEquals((0.7 + 0.2 + 0.1 + 0) / 6, loss.loss(c, new int[] {-1, -1}).getFloat(), 1e-6);
  }

  @Test
  void emptyBatchPartsAddNothing() {
    F2cLoss loss = new F2cLoss(F2cLoss.Margin.COSFACE, 1f, 0f);
    NDArray c = cos(new float[][] {{0f, 0f}});
    // No margin, equal logits: cross-entropy log(2); no negatives.
    assertEquals(Math.log(2), loss.loss(c, new int[] {1}).getFloat(), 1e-6);
  }
}
