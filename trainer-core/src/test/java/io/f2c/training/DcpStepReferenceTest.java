package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One F2C step of {@link DcpStep} against a plain-Java double-precision reference written from the
 * method's description: pass 1 writes G(y) and scores P(x), then is rolled back; pass 2 writes G(x)
 * and scores P(y) and is kept; each pass adds the loss of cos1 (slot 0 of every row) and of cos2
 * (slot 1 for the rows the pass updated). The loss checks which gallery half each probe half is
 * scored against (both passes start from the same pool, so their order does not change it); the
 * pool afterwards checks which pass was kept, the rollback and the slots written.
 */
class DcpStepReferenceTest {
  private static final int Q = 4;
  private static final int D = 3;
  private static final double S = 8;
  private static final double M = 0.2;

  @Test
  void twoPassLossAndPoolMatchTheReference() {
    Engine.getEngine("PyTorch"); // loads libtorch before the grad-mode switch below
    F2cTrainer.noGradOnThisThread();
    double[][] probeX = {unit(1, 2, 3), unit(-1, 0.5, 2)};
    double[][] probeY = {unit(2, 1, 1), unit(0, -1, 3)};
    double[][] galleryX = {unit(1, 1.5, 2.5), unit(-2, 1, 1)};
    double[][] galleryY = {unit(2, 0.5, 1.5), unit(1, -1, 0.5)};
    double[][] before = {unit(0.5, 2, -1), unit(3, 0, 1)};
    String[] xLabels = {"a", "b"};
    String[] yLabels = {"a", "c"};

    try (NDManager manager = NDManager.newBaseManager();
        DynamicClassPool pool = new DynamicClassPool(manager, Q, D, 5)) {
      // The pool's random initial rows are an input; then a kept pass, so that "a" is known (its
      // toggle at 1) and "d" holds a row.
      Reference reference = new Reference(pool.featureValues());
      pool.beginPass(false);
      pool.write(array(manager, before), new String[] {"a", "d"});
      pool.endPass();
      reference.write(before, new String[] {"a", "d"});

      float loss =
          new DcpStep(pool, new F2cLoss(F2cLoss.Margin.COSFACE, (float) S, (float) M))
              .twoPassLoss(
                  array(manager, probeX),
                  array(manager, probeY),
                  array(manager, galleryX),
                  array(manager, galleryY),
                  xLabels,
                  yLabels)
              .total()
              .getFloat();

      Reference pass1 = reference.copy();
      double expected = pass1.passLoss(galleryY, yLabels, probeX, xLabels); // rolled back
      expected += reference.passLoss(galleryX, xLabels, probeY, yLabels); // kept
      assertEquals(expected, loss, 1e-5 * Math.abs(expected), "the two passes' loss");

      float[] features = pool.featureValues();
      for (int i = 0; i < features.length; i++) {
        assertEquals(reference.feature(i), features[i], 1e-6, "pool value " + i);
      }
      assertEquals(List.of(0), pool.updatedRows(), "row of 'a' updated in pass 2");
      assertArrayEquals(
          new int[] {0, 2, -1, 1}, pool.view(new String[] {"a", "b", "c", "d"}), "rows");
    }
  }

  private static double[] unit(double... v) {
    double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
    return Arrays.stream(v).map(x -> x / norm).toArray();
  }

  private static NDArray array(NDManager manager, double[][] rows) {
    float[] flat = new float[rows.length * D];
    for (int r = 0; r < rows.length; r++) {
      for (int d = 0; d < D; d++) {
        flat[r * D + d] = (float) rows[r][d];
      }
    }
    return manager.create(flat, new Shape(rows.length, D));
  }

  /** The pool and the loss by the method's definition, in doubles. */
  private static final class Reference {
    final double[][][] slot = new double[2][Q][D];
    final int[] toggle = new int[Q];
    // identity -> row, least recently used first
    final LinkedHashMap<String, Integer> rows = new LinkedHashMap<>(16, 0.75f, true);
    int used;
    final Set<Integer> updated = new HashSet<>();

    Reference(float[] slotMajor) {
      for (int s = 0; s < 2; s++) {
        for (int r = 0; r < Q; r++) {
          for (int d = 0; d < D; d++) {
            slot[s][r][d] = slotMajor[(s * Q + r) * D + d];
          }
        }
      }
    }

    Reference copy() {
      Reference c = new Reference(new float[2 * Q * D]);
      for (int s = 0; s < 2; s++) {
        for (int r = 0; r < Q; r++) {
          c.slot[s][r] = slot[s][r].clone();
        }
      }
      System.arraycopy(toggle, 0, c.toggle, 0, Q);
      for (Map.Entry<String, Integer> e : new ArrayList<>(rows.entrySet())) {
        c.rows.put(e.getKey(), e.getValue());
      }
      c.used = used;
      return c;
    }

    double feature(int slotMajorIndex) {
      int d = slotMajorIndex % D;
      int r = (slotMajorIndex / D) % Q;
      int s = slotMajorIndex / (D * Q);
      return slot[s][r][d];
    }

    /** The write rule: a known identity's feature goes to its toggled slot; a new one to slot 0. */
    void write(double[][] gallery, String[] labels) {
      updated.clear();
      for (int i = 0; i < labels.length; i++) {
        Integer row = rows.get(labels[i]); // access order: now most recent
        int s;
        if (row != null) {
          s = toggle[row];
          toggle[row] = 1 - s;
          updated.add(row);
        } else {
          if (used < Q) {
            row = used++;
          } else {
            String eldest = rows.keySet().iterator().next();
            row = rows.remove(eldest);
          }
          rows.put(labels[i], row);
          s = 0;
          toggle[row] = 1;
        }
        slot[s][row] = gallery[i].clone();
      }
    }

    double passLoss(double[][] gallery, String[] written, double[][] probes, String[] labels) {
      write(gallery, written);
      int[] target = new int[labels.length];
      for (int b = 0; b < labels.length; b++) {
        Integer row = null;
        for (Map.Entry<String, Integer> e : rows.entrySet()) {
          if (e.getKey().equals(labels[b])) {
            row = e.getValue(); // found without touching recency
          }
        }
        target[b] = row == null ? -1 : row;
      }
      double[][] cos1 = new double[probes.length][Q];
      double[][] cos2 = new double[probes.length][Q];
      for (int b = 0; b < probes.length; b++) {
        for (int r = 0; r < Q; r++) {
          cos1[b][r] = dot(probes[b], slot[0][r]);
          cos2[b][r] = dot(probes[b], slot[updated.contains(r) ? 1 : 0][r]);
        }
      }
      return marginLoss(cos1, target) + marginLoss(cos2, target);
    }

    /** CosFace cross-entropy over the probes in the pool + mean top-3 (clipped) over the rest. */
    static double marginLoss(double[][] cos, int[] target) {
      double ce = 0;
      double neg = 0;
      int positives = 0;
      int negatives = 0;
      for (int b = 0; b < cos.length; b++) {
        if (target[b] >= 0) {
          double[] logits = new double[Q];
          for (int r = 0; r < Q; r++) {
            logits[r] = S * (r == target[b] ? cos[b][r] - M : cos[b][r]);
          }
          double max = Arrays.stream(logits).max().orElseThrow();
          double sum = Arrays.stream(logits).map(l -> Math.exp(l - max)).sum();
          ce += -(logits[target[b]] - max - Math.log(sum));
          positives++;
        } else {
          double[] sorted = cos[b].clone();
          Arrays.sort(sorted);
          int k = 3; // clamp(round(0.0002 * 4), 3, 10), at most Q
          double top = 0;
          for (int i = 0; i < k; i++) {
            top += Math.max(0, sorted[Q - 1 - i]);
          }
          neg += top / k;
          negatives++;
        }
      }
      return (positives == 0 ? 0 : ce / positives) + (negatives == 0 ? 0 : neg / negatives);
    }

    static double dot(double[] a, double[] b) {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += a[i] * b[i];
      }
      return s;
    }
  }
}
