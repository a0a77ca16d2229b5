package io.f2c.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.f2c.training.DcpStep;
import io.f2c.training.DynamicClassPool;
import io.f2c.training.F2cLoss;
import io.f2c.training.HeadLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Times F2C's Dynamic Class Pool head: the two passes and the backward pass to the probes. */
final class DcpHeadTiming {
  private final int dim;
  private final int steps;
  private final F2cLoss loss;
  private final HeadInputs inputs;

  DcpHeadTiming(int dim, int steps, F2cLoss loss, HeadInputs inputs) {
    this.dim = dim;
    this.steps = steps;
    this.loss = loss;
    this.inputs = inputs;
  }

  /** One DCP head being measured: its pool, filled to capacity, and its input generator. */
  private final class DcpRun implements AutoCloseable {
    final long ids;
    final NDManager manager = NDManager.newBaseManager("PyTorch");
    final DynamicClassPool pool;
    final DcpStep step;
    final SplittableRandom random;

    DcpRun(long ids, int capacity, long seed) {
      this.ids = ids;
      this.pool = new DynamicClassPool(manager, capacity, dim, seed);
      this.step = new DcpStep(pool, loss);
      this.random = new SplittableRandom(seed);
      fill(manager, pool, ids, random);
    }

    /** One head step (two passes and the backward pass); returns its milliseconds. */
    double stepMillis() {
      try (NDScope scope = new NDScope()) {
        long[][] labels = inputs.labels(random, ids);
        String[] xLabels = HeadInputs.names(labels[0]);
        String[] yLabels = HeadInputs.names(labels[1]);
        NDArray probeX = inputs.unitEmbeddings(manager, true);
        NDArray probeY = inputs.unitEmbeddings(manager, true);
        NDArray galleryX = inputs.unitEmbeddings(manager, false);
        NDArray galleryY = inputs.unitEmbeddings(manager, false);
        long start = System.nanoTime();
        try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
          HeadLoss result = step.twoPassLoss(probeX, probeY, galleryX, galleryY, xLabels, yLabels);
          tape.backward(result.total());
        }
        return (System.nanoTime() - start) / 1e6;
      }
    }

    @Override
    public void close() {
      pool.close();
      manager.close();
    }
  }

  /**
   * Median milliseconds of a DCP head step for each (N, Q), after three warm-up steps each. The
   * heads take turns step by step, so a slow phase of a shared machine affects every point alike
   * instead of one of them.
   */
  double[] time(List<long[]> points, long seed) {
    List<DcpRun> runs = new ArrayList<>();
    try {
      for (long[] point : points) {
        runs.add(new DcpRun(point[0], (int) point[1], seed));
      }
      double[][] times = new double[runs.size()][steps];
      for (int s = -3; s < steps; s++) {
        for (int r = 0; r < runs.size(); r++) {
          double ms = runs.get(r).stepMillis();
          if (s >= 0) {
            times[r][s] = ms;
          }
        }
      }
      return Arrays.stream(times).mapToDouble(HeadBenchmark::median).toArray();
    } finally {
      runs.forEach(DcpRun::close);
    }
  }

  /**
   * Fills the pool to capacity (or with all N identities) first: the steady state of a long run.
   */
  private void fill(NDManager manager, DynamicClassPool dcp, long ids, SplittableRandom random) {
    long count = Math.min(dcp.capacity(), ids);
    int chunk = 4096;
    dcp.beginPass(false);
    for (long start = 0; start < count; start += chunk) {
      int n = (int) Math.min(chunk, count - start);
      String[] labels = new String[n];
      for (int i = 0; i < n; i++) {
        labels[i] = "id-" + (count == ids ? start + i : random.nextLong(ids));
      }
      try (NDScope scope = new NDScope()) {
        dcp.write(
            manager
                .randomNormal(0f, 1f, new Shape(n, dim), DataType.FLOAT32)
                .normalize(2, 1, 1e-12),
            labels);
      }
    }
    dcp.endPass();
  }
}
