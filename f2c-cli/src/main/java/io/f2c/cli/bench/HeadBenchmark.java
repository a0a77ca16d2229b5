package io.f2c.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.f2c.training.F2cLoss;
import io.f2c.training.TrainerConfig;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * The cost of the classification head alone as the number of identities N grows: F2C's Dynamic
 * Class Pool against insightface's Partial FC and the full FC layer. Inputs are random unit
 * embeddings (the backbone is excluded): a step is B images, B/2 in x and B/2 in y; half of each
 * comes from the identity batch (in both halves), half are instance images with random identities
 * out of N. All heads score the same B probes.
 *
 * <ul>
 *   <li>DCP step: the two passes (writes, rollback, cos1 and cos2 against the pool, margin and
 *       top-k losses) and the backward pass to the probes. The pool has no gradient and no
 *       optimizer state.
 *   <li>Partial FC step: sampling of K = floor(rate x N) of the N class centres (every label's,
 *       then random negatives), cosine logits against the K normalised centres, margin softmax,
 *       backward, SGD-momentum update of the K sampled rows and their momentum.
 *   <li>FC step: cosine logits against all N normalised class weights, margin softmax, backward,
 *       SGD-momentum update of the N x D weights.
 * </ul>
 *
 * Pools are filled to capacity before timing, as they are in a long run. Memory is accounted as the
 * head's parameters, gradients, optimizer buffers and logits (see {@link HeadMemory}). A Partial FC
 * or FC head that would not fit in the memory available is reported with the bytes it needs.
 */
public final class HeadBenchmark {
  private final double partialFcRate;
  private final HeadMemory memory;
  private final DcpHeadTiming dcpTiming;
  private final ClassWeightHeadTiming classWeightTiming;

  /**
   * @param settings the job's trainer settings: embedding dimension, margin and scale, SGD momentum
   *     and weight decay (the backbone, input and head are the benchmark's own)
   * @param partialFcRate the share of the N class centres a Partial FC step uses, in (0, 1]
   */
  public HeadBenchmark(TrainerConfig settings, int batch, int steps, double partialFcRate) {
    if (!(partialFcRate > 0 && partialFcRate <= 1)) {
      throw new IllegalArgumentException(
          "the Partial FC sample rate lies in (0, 1], was " + partialFcRate);
    }
    int dim = settings.embeddingDim();
    HeadInputs inputs = new HeadInputs(batch, dim);
    this.partialFcRate = partialFcRate;
    this.memory = new HeadMemory(dim, batch, partialFcRate);
    this.dcpTiming =
        new DcpHeadTiming(
            dim,
            steps,
            new F2cLoss(settings.margin(), settings.scale(), settings.marginValue()),
            inputs);
    this.classWeightTiming = new ClassWeightHeadTiming(settings, steps, inputs);
  }

  /** One measured point; a head's milliseconds are NaN when it does not fit. */
  public record Point(
      long ids,
      int pool,
      String poolSpec,
      double dcpMs,
      double partialFcMs,
      double fcMs,
      long dcpBytes,
      long partialFcBytes,
      long fcBytes,
      boolean partialFcFits,
      boolean fcFits) {
    public String json() {
      JsonObject json = new JsonObject();
      json.addProperty("ids", ids);
      json.addProperty("pool", pool);
      json.add("dcp_ms", rounded(dcpMs, 2));
      json.add("partial_fc_ms", partialFcFits ? rounded(partialFcMs, 2) : JsonNull.INSTANCE);
      json.add("fc_ms", fcFits ? rounded(fcMs, 2) : JsonNull.INSTANCE);
      json.add("speedup", fcFits ? rounded(fcMs / dcpMs, 1) : JsonNull.INSTANCE);
      json.add(
          "speedup_vs_partial_fc",
          partialFcFits ? rounded(partialFcMs / dcpMs, 1) : JsonNull.INSTANCE);
      json.addProperty("dcp_bytes", dcpBytes);
      json.addProperty("partial_fc_bytes", partialFcBytes);
      json.addProperty("fc_bytes", fcBytes);
      json.add("memory_ratio", rounded(fcBytes / (double) dcpBytes, 1));
      json.addProperty("partial_fc_fits", partialFcFits);
      json.addProperty("fc_fits", fcFits);
      return json.toString();
    }

    private static JsonElement rounded(double value, int decimals) {
      return new JsonPrimitive(
          BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN));
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
   * Measures every (N, Q) point, the Partial FC and FC heads once per N. All DCP points run before
   * any other head: freeing those heads' gigabytes would otherwise disturb the DCP timings that
   * follow.
   */
  public List<Point> run(List<Long> idCounts, List<String> pools, PrintStream log) {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(Math.max(1, Integer.getInteger("ai.djl.pytorch.num_threads", 2)));
    long available = HeadMemory.availableMemory();
    List<long[]> dcpPoints = new ArrayList<>();
    List<String> specs = new ArrayList<>();
    for (long ids : idCounts) {
      Set<Integer> measured = new HashSet<>();
      for (String spec : pools) {
        int pool = poolSize(spec, ids);
        if (!measured.add(pool)) {
          continue; // e.g. 1% of 1M is the fixed 10,000 again
        }
        if (2 * memory.dcpBytes(pool) > 0.8 * available) {
          throw new IllegalArgumentException(
              String.format(
                  "a pool of %,d rows does not fit: it needs %.1f GiB, %.1f GiB available (choose a smaller --pool)",
                  pool, gib(2 * memory.dcpBytes(pool)), gib(available)));
        }
        dcpPoints.add(new long[] {ids, pool});
        specs.add(spec);
      }
    }
    log.printf("DCP heads: %d points, taking turns step by step ...%n", dcpPoints.size());
    double[] dcpTimes = dcpTiming.time(dcpPoints, 1);
    Map<Long, Double> partialFcTimes = new HashMap<>();
    Map<Long, Double> fcTimes = new HashMap<>();
    String partialFc = "Partial FC head at rate " + partialFcRate;
    for (long ids : idCounts) {
      timeIfItFits(
              ids,
              partialFc,
              memory.partialFcBytes(ids),
              memory.partialFcPeakBytes(ids),
              available,
              log,
              () -> classWeightTiming.timePartialFc(ids, partialFcRate, 1))
          .ifPresent(ms -> partialFcTimes.put(ids, ms));
      timeIfItFits(
              ids,
              "FC head",
              memory.fcBytes(ids),
              memory.fcPeakBytes(ids),
              available,
              log,
              () -> classWeightTiming.timeFc(ids, 1))
          .ifPresent(ms -> fcTimes.put(ids, ms));
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
              partialFcTimes.getOrDefault(ids, Double.NaN),
              fcTimes.getOrDefault(ids, Double.NaN),
              memory.dcpBytes(pool),
              memory.partialFcBytes(ids),
              memory.fcBytes(ids),
              partialFcTimes.containsKey(ids),
              fcTimes.containsKey(ids)));
    }
    return points;
  }

  /**
   * Times a head over all N classes if its peak fits in 80% of the memory available (and N in an
   * int, as the heads index classes); otherwise logs what it would need.
   */
  private static OptionalDouble timeIfItFits(
      long ids,
      String head,
      long bytes,
      long peakBytes,
      long available,
      PrintStream log,
      DoubleSupplier timing) {
    if (peakBytes < 0.8 * available && ids <= Integer.MAX_VALUE) {
      log.printf(
          "N=%,d: %s (%.1f GiB, peak about %.1f GiB) ...%n", ids, head, gib(bytes), gib(peakBytes));
      return OptionalDouble.of(timing.getAsDouble());
    }
    log.printf(
        "N=%,d: %s does not fit: needs %.1f GiB (peak about %.1f GiB), %.1f GiB available%n",
        ids, head, gib(bytes), gib(peakBytes), gib(available));
    return OptionalDouble.empty();
  }

  private static double gib(long bytes) {
    return bytes / (double) (1L << 30);
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
