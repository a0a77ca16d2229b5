package io.f2c.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.sun.management.OperatingSystemMXBean;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.training.DcpStep;
import io.f2c.training.DynamicClassPool;
import io.f2c.training.F2cLoss;
import io.f2c.training.FcHead;
import io.f2c.training.HeadLoss;
import io.f2c.training.SgdOptimizer;
import io.f2c.training.TrainerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The cost of the classification head alone, F2C's Dynamic Class Pool against the full FC layer, as
 * the number of identities N grows. Inputs are random unit embeddings (the backbone is excluded): a
 * step is B images, B/2 in x and B/2 in y; half of each comes from the identity batch (in both
 * halves), half are instance images with random identities out of N. Both heads score the same B
 * probes.
 *
 * <ul>
 *   <li>DCP step: the two passes (writes, rollback, cos1 and cos2 against the pool, margin and
 *       top-k losses) and the backward pass to the probes. The pool has no gradient and no
 *       optimizer state.
 *   <li>FC step: cosine logits against all N normalised class weights, margin softmax, backward,
 *       SGD-momentum update of the N x D weights.
 * </ul>
 *
 * Pools are filled to capacity before timing, as they are in a long run. Memory is accounted as the
 * head's parameters, gradients, optimizer buffers and logits (temporaries of the loss are left out
 * for both). An FC head that would not fit in the memory available is reported with the bytes it
 * needs.
 */
public final class HeadBenchmark {
  private static final int FLOAT = 4;

  private final TrainerConfig settings;
  private final int dim;
  private final int batch;
  private final int steps;
  private final F2cLoss loss;

  /**
   * @param settings the job's trainer settings: embedding dimension, margin and scale, SGD momentum
   *     and weight decay (the backbone, input and head are the benchmark's own)
   */
  public HeadBenchmark(TrainerConfig settings, int batch, int steps) {
    this.settings = settings;
    this.dim = settings.embeddingDim();
    this.batch = batch;
    this.steps = steps;
    this.loss = new F2cLoss(settings.margin(), settings.scale(), settings.marginValue());
  }

  /** One measured point; fcMs is NaN when the FC head does not fit. */
  public record Point(
      long ids,
      int pool,
      String poolSpec,
      double dcpMs,
      double fcMs,
      long dcpBytes,
      long fcBytes,
      boolean fcFits) {
    public String json() {
      JsonObject json = new JsonObject();
      json.addProperty("ids", ids);
      json.addProperty("pool", pool);
      json.add("dcp_ms", rounded(dcpMs, 2));
      json.add("fc_ms", fcFits ? rounded(fcMs, 2) : JsonNull.INSTANCE);
      json.add("speedup", fcFits ? rounded(fcMs / dcpMs, 1) : JsonNull.INSTANCE);
      json.addProperty("dcp_bytes", dcpBytes);
      json.addProperty("fc_bytes", fcBytes);
      json.add("memory_ratio", rounded(fcBytes / (double) dcpBytes, 1));
      json.addProperty("fc_fits", fcFits);
      return json.toString();
    }

    private static JsonElement rounded(double value, int decimals) {
      return new JsonPrimitive(
          BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN));
    }
  }

  /**
   * The pool's two slots (no gradients, no optimizer buffers) and the logits: 2 sets x 2 passes of
   * B/2 x Q.
   */
  public long dcpBytes(int pool) {
    return (2L * pool * dim + 2L * batch * pool) * FLOAT;
  }

  /**
   * Weights, their gradients and momentum buffers (N x D each), and the logits of the B probes (B x
   * N).
   */
  public long fcBytes(long ids) {
    return (3L * ids * dim + (long) batch * ids) * FLOAT;
  }

  /**
   * What an FC step really allocates at its peak: also backward temporaries of the weights and of
   * the logits.
   */
  long fcPeakBytes(long ids) {
    return (5L * ids * dim + 8L * batch * ids) * FLOAT;
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
        String[][] labels = labels(random, ids);
        NDArray probeX = unit(manager, true);
        NDArray probeY = unit(manager, true);
        NDArray galleryX = unit(manager, false);
        NDArray galleryY = unit(manager, false);
        long start = System.nanoTime();
        try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
          HeadLoss result =
              step.twoPassLoss(probeX, probeY, galleryX, galleryY, labels[0], labels[1]);
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
  public double[] timeDcp(List<long[]> points, long seed) {
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

  /**
   * Median milliseconds of an FC head step (forward, backward, SGD update of N x D weights) over
   * steps / 5 steps (at least 2; one FC step at N = 1M takes seconds), after one warm-up step.
   */
  public double timeFc(long ids, long seed) {
    TrainerConfig config =
        settings.toBuilder()
            .network(Backbone.SMALL_CNN, dim, PreprocessSpec.of(16, 3, 1.0))
            .head(TrainerConfig.Head.FC, 1, Math.toIntExact(ids))
            .build();
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        FcHead head = new FcHead(config, manager)) {
      SgdOptimizer optimizer =
          new SgdOptimizer(settings.sgdMomentum(), settings.weightDecay(), settings.nesterov());
      optimizer.register(head.trainableArrays());
      SplittableRandom random = new SplittableRandom(seed);
      double[] times = new double[Math.max(2, steps / 5)];
      for (int s = 0; s <= times.length; s++) {
        try (NDScope scope = new NDScope()) {
          String[][] labels = labels(random, ids);
          NDArray probeX = unit(manager, false);
          NDArray probeY = unit(manager, false);
          long start = System.nanoTime();
          optimizer.zeroGradients();
          try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
            tape.backward(head.loss(probeX, probeY, labels[0], labels[1]).total());
          }
          optimizer.step(0.1f);
          if (s > 0) {
            times[s - 1] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
      return median(times);
    }
  }

  /** The median; NaN for no values. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * x and y labels (B/2 each): B/4 identity-batch ids in both, then B/4 random instance ids each.
   */
  private String[][] labels(SplittableRandom random, long ids) {
    int perPass = batch / 2;
    String[] x = new String[perPass];
    String[] y = new String[perPass];
    int half = perPass / 2;
    Set<Long> chosen = new HashSet<>();
    for (int i = 0; i < half; i++) {
      long id;
      do {
        id = random.nextLong(ids);
      } while (!chosen.add(id));
      x[i] = "id-" + id;
      y[i] = x[i];
    }
    for (int i = half; i < perPass; i++) {
      x[i] = "id-" + random.nextLong(ids);
      y[i] = "id-" + random.nextLong(ids);
    }
    return new String[][] {x, y};
  }

  private NDArray unit(NDManager manager, boolean requiresGradient) {
    NDArray a =
        manager
            .randomNormal(0f, 1f, new Shape(batch / 2, dim), DataType.FLOAT32)
            .normalize(2, 1, 1e-12);
    if (requiresGradient) {
      a.setRequiresGradient(true);
    }
    return a;
  }

  /**
   * Bytes this process could still allocate: MemAvailable from /proc/meminfo, else the JVM's view.
   */
  public static long availableMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024L;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getFreeMemorySize();
  }

  /**
   * Measures every (N, Q) point, the FC head once per N. All DCP points run before any FC point:
   * freeing the FC head's gigabytes would otherwise disturb the DCP timings that follow.
   */
  public List<Point> run(List<Long> idCounts, List<String> pools, PrintStream log) {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(Math.max(1, Integer.getInteger("ai.djl.pytorch.num_threads", 2)));
    long available = availableMemory();
    List<long[]> dcpPoints = new ArrayList<>();
    List<String> specs = new ArrayList<>();
    for (long ids : idCounts) {
      Set<Integer> measured = new HashSet<>();
      for (String spec : pools) {
        int pool = poolSize(spec, ids);
        if (!measured.add(pool)) {
          continue; // e.g. 1% of 1M is the fixed 10,000 again
        }
        if (2 * dcpBytes(pool) > 0.8 * available) {
          throw new IllegalArgumentException(
              String.format(
                  "a pool of %,d rows does not fit: it needs %.1f GiB, %.1f GiB available (choose a smaller --pool)",
                  pool, 2 * dcpBytes(pool) / (double) (1L << 30), available / (double) (1L << 30)));
        }
        dcpPoints.add(new long[] {ids, pool});
        specs.add(spec);
      }
    }
    log.printf("DCP heads: %d points, taking turns step by step ...%n", dcpPoints.size());
    double[] dcpTimes = timeDcp(dcpPoints, 1);
    Map<Long, Double> fcTimes = new HashMap<>();
    for (long ids : idCounts) {
      if (fits(ids, available)) {
        log.printf(
            "N=%,d: FC head (%.1f GiB, peak about %.1f GiB) ...%n",
            ids, fcBytes(ids) / (double) (1L << 30), fcPeakBytes(ids) / (double) (1L << 30));
        fcTimes.put(ids, timeFc(ids, 1));
      } else {
        log.printf(
            "N=%,d: FC head does not fit: needs %.1f GiB (peak about %.1f GiB), %.1f GiB available%n",
            ids,
            fcBytes(ids) / (double) (1L << 30),
            fcPeakBytes(ids) / (double) (1L << 30),
            available / (double) (1L << 30));
      }
    }
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < dcpPoints.size(); i++) {
      long ids = dcpPoints.get(i)[0];
      int pool = (int) dcpPoints.get(i)[1];
      points.add(
          new Point(
              ids,
              pool,
              specs.get(i),
              dcpTimes[i],
              fcTimes.getOrDefault(ids, Double.NaN),
              dcpBytes(pool),
              fcBytes(ids),
              fcTimes.containsKey(ids)));
    }
    return points;
  }

  private boolean fits(long ids, long available) {
    return fcPeakBytes(ids) < 0.8 * available && ids <= Integer.MAX_VALUE;
  }

  /** "10000" or "1%" (of N, at least 1). */
  public static int poolSize(String spec, long ids) {
    if (spec.endsWith("%")) {
      double share = Double.parseDouble(spec.substring(0, spec.length() - 1)) / 100;
      return (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.round(ids * share)));
    }
    return Integer.parseInt(spec);
  }
}
