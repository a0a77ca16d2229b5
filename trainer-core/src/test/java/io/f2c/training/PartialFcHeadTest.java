package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.f2c.model.backbone.Backbone;
import io.f2c.testing.TinyTrainers;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Partial FC's sampling, loss and sparse update on tensors small enough to check by hand. */
class PartialFcHeadTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private static TrainerConfig config(int classes, int dim, F2cLoss.Margin margin) {
    return TinyTrainers.builder(TrainerConfig.Head.FC)
        .network(Backbone.SMALL_CNN, dim, TinyTrainers.SPEC)
        .head(TrainerConfig.Head.FC, 1, classes)
        .margin(margin, 4f, 0.35f)
        .sgd(0.9f, 0.01f, true)
        .build();
  }

  @Test
  void theSampleCountRoundsDownAsPartialFcV2Does() {
    assertEquals(3, PartialFcHead.sampleCount(6, 0.5));
    assertEquals(3, PartialFcHead.sampleCount(30, 0.1)); // 0.1 * 30 is 3.0000000000000004
    assertEquals(7, PartialFcHead.sampleCount(10, 0.7));
    assertEquals(1_000_000, PartialFcHead.sampleCount(10_000_000, 0.1));
    assertEquals(0, PartialFcHead.sampleCount(5, 0.1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PartialFcHead(config(6, 3, F2cLoss.Margin.COSFACE), 0, manager));
  }

  @Test
  void everySampleHoldsEveryLabelAndExactlyTheSampleCountOfDistinctRows() {
    try (PartialFcHead head =
        new PartialFcHead(config(50, 4, F2cLoss.Margin.COSFACE), 0.2, manager)) {
      long[] labels = {3, 3, 17, 49, 0, 17};
      Set<Long> seenNegatives = new TreeSet<>();
      for (int step = 0; step < 20; step++) {
        try (NDScope scope = new NDScope()) {
          PartialFcHead.Sample sample = head.sample(labels);
          long[] rows = sample.rows().toLongArray();
          assertEquals(10, rows.length);
          assertEquals(10, Arrays.stream(rows).distinct().count(), Arrays.toString(rows));
          assertArrayEquals(new long[] {0, 3, 17, 49}, Arrays.copyOf(rows, 4));
          for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i], rows[(int) sample.targets()[i]]);
          }
          for (int i = 4; i < rows.length; i++) {
            assertTrue(rows[i] >= 0 && rows[i] < 50, Arrays.toString(rows));
            seenNegatives.add(rows[i]);
          }
          assertEquals(new Shape(10, 4), sample.centres().getShape());
        }
      }
      assertTrue(seenNegatives.size() > 6, "negatives are drawn anew each step: " + seenNegatives);
    }
  }

  @Test
  void moreDistinctLabelsThanTheSampleCountAreAllUsed() {
    try (PartialFcHead head =
        new PartialFcHead(config(10, 4, F2cLoss.Margin.COSFACE), 0.1, manager)) {
      PartialFcHead.Sample sample = head.sample(new long[] {7, 2, 5});
      assertArrayEquals(new long[] {2, 5, 7}, sample.rows().toLongArray());
      assertArrayEquals(new long[] {2, 0, 1}, sample.targets());
      assertThrows(IllegalArgumentException.class, () -> head.sample(new long[] {10}));
    }
  }

  /** N = 6, D = 3, B = 2, rate 0.5: three centres, the two labels' and one negative. */
  @Test
  void theLossOverTheSampleMatchesAHandComputation() {
    float[][] w = {
      {1f, 0f, 0f}, {0f, 2f, 0f}, {0f, 0f, 0.5f}, {1f, 1f, 0f}, {0f, 1f, 1f}, {3f, 0f, 4f}
    };
    float[][] probes = {{0.6f, 0.8f, 0f}, {0f, 0.6f, 0.8f}};
    long[] labels = {4, 1};
    for (F2cLoss.Margin margin : F2cLoss.Margin.values()) {
      try (PartialFcHead head = new PartialFcHead(config(6, 3, margin), 0.5, manager)) {
        InPlace.copy(head.weights(), flat(w));
        PartialFcHead.Sample sample = head.sample(labels);
        long[] rows = sample.rows().toLongArray();
        assertEquals(3, rows.length);
        assertArrayEquals(new long[] {1, 4}, Arrays.copyOf(rows, 2));
        assertArrayEquals(new long[] {1, 0}, sample.targets());

        double expected = 0;
        for (int i = 0; i < 2; i++) {
          double[] cos = new double[3];
          for (int j = 0; j < 3; j++) {
            float[] c = w[(int) rows[j]];
            double dot = 0;
            double norm = 0;
            for (int d = 0; d < 3; d++) {
              dot += probes[i][d] * c[d];
              norm += c[d] * c[d];
            }
            cos[j] = dot / Math.sqrt(norm);
          }
          int t = (int) sample.targets()[i];
          double target =
              margin == F2cLoss.Margin.COSFACE
                  ? cos[t] - 0.35
                  : Math.cos(Math.acos(cos[t]) + 0.35); // well inside theta + m < pi here
          double sum = 0;
          for (int j = 0; j < 3; j++) {
            sum += Math.exp(4 * (j == t ? target : cos[j]));
          }
          expected += (Math.log(sum) - 4 * target) / 2;
        }
        NDArray p = manager.create(flat(probes), new Shape(2, 3));
        assertEquals(expected, head.loss(p, sample).getFloat(), 1e-5, margin.name());
      }
    }
  }

  @Test
  void theUpdateTouchesOnlyTheSampledRowsAndTheirMomentum() {
    TrainerConfig config = config(40, 4, F2cLoss.Margin.ARCFACE);
    try (PartialFcHead head = new PartialFcHead(config, 0.25, manager)) {
      float[] before = head.weights().toFloatArray();
      NDArray probes = manager.randomNormal(new Shape(6, 4)).normalize(2, 1, 1e-12);
      PartialFcHead.Sample sample = head.sample(new long[] {5, 12, 5, 33, 0, 21});
      try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
        tape.backward(head.loss(probes, sample));
      }
      assertFalse(head.weights().hasGradient(), "no gradient of all N x D weights");
      float[] gradient = sample.centres().getGradient().toFloatArray();
      head.update(sample, 0.1f);

      long[] rows = sample.rows().toLongArray();
      assertEquals(10, rows.length);
      float[] after = head.weights().toFloatArray();
      float[] momentum = head.momentumBuffers().toFloatArray();
      Map<Long, Integer> positionOf = new HashMap<>();
      for (int k = 0; k < rows.length; k++) {
        positionOf.put(rows[k], k);
      }
      for (long row = 0; row < 40; row++) {
        Integer k = positionOf.get(row);
        for (int d = 0; d < 4; d++) {
          int at = (int) row * 4 + d;
          if (k == null) {
            assertEquals(before[at], after[at], "row " + row + " is not sampled");
            assertEquals(0f, momentum[at], "row " + row + "'s momentum");
            continue;
          }
          // First step from zero momentum: buf = g + wd w; Nesterov step = buf + mu buf.
          double g = gradient[k * 4 + d] + 0.01 * before[at];
          assertEquals(g, momentum[at], 1e-6, "row " + row);
          assertEquals(before[at] - 0.1 * 1.9 * g, after[at], 1e-6, "row " + row);
        }
      }
      for (long row : rows) {
        float[] a = Arrays.copyOfRange(after, (int) row * 4, (int) row * 4 + 4);
        float[] b = Arrays.copyOfRange(before, (int) row * 4, (int) row * 4 + 4);
        assertNotEquals(Arrays.toString(b), Arrays.toString(a), "sampled row " + row + " moves");
      }
    }
  }

  private static float[] flat(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return flat;
  }
}
