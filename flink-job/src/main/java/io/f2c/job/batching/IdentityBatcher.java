package io.f2c.job.batching;

import io.f2c.batching.IdentityCount;
import io.f2c.batching.IdentitySample;
import io.f2c.batching.ReplayPacing;
import io.f2c.job.ingest.DecodedFace;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The identity-based loader, keyed by identity, in RocksDB keyed state: the registry entry (image
 * count, first seen) and a reservoir of at most K images (reservoir sampling, so every image seen
 * has the same chance to be kept).
 *
 * <p>When an identity gets a new image it emits an {@link IdentitySample}, for a share of images
 * that matches what the trainer consumes: the new image and a stored one, or, for an identity's
 * first image, the image and itself (as the authors' loader serves single-image identities; the
 * trainer mirrors each copy on its own). Every identity is also replayed every {@code
 * replayIntervalMs} (continual learning: known identities keep being revisited), or less often
 * where there are more identities than the trainer can replay at that interval ({@link
 * ReplayPacing}): each identity holds one timer, and the timers fire at a rate that follows the
 * images arriving, not the identities known. Registry updates go to the {@link #REGISTRY} side
 * output.
 */
public final class IdentityBatcher extends KeyedProcessFunction<String, DecodedFace, IdentitySample>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<IdentityCount> REGISTRY =
      new OutputTag<>("identity-registry", TypeInformation.of(IdentityCount.class));

  private final int reservoirSize;
  private final long replayIntervalMs;
  private final double sampleShare;
  private final double replaysPerArrival;
  private final long seed;
  private transient ValueState<IdentityCount> registry;
  private transient MapState<Integer, byte[]> reservoir;
  private transient SplittableRandom random;
  private transient long identitiesSeen;
  private transient ListState<Long> identitiesSeenState;
  private transient ListState<Double> arrivalRateState;
  private transient ReplayPacing pacing;
  private transient Counter samples;
  private transient Counter replays;

  /**
   * @param sampleShare share of new images that yield a sample: the trainer uses about
   *     identity-batch samples per instance batch, so emitting more would only make it drop them
   *     after they crossed the network
   * @param replaysPerArrival replays the trainer can use per arriving image (see {@link
   *     ReplayPacing})
   */
  public IdentityBatcher(
      int reservoirSize,
      long replayIntervalMs,
      double sampleShare,
      double replaysPerArrival,
      long seed) {
    if (reservoirSize < 2) {
      throw new IllegalArgumentException("the reservoir must hold at least 2 images per identity");
    }
    this.reservoirSize = reservoirSize;
    this.replayIntervalMs = replayIntervalMs;
    this.sampleShare = sampleShare;
    this.replaysPerArrival = replaysPerArrival;
    this.seed = seed;
  }

  @Override
  public void open(OpenContext context) {
    registry =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("identity-registry", IdentityCount.class));
    // Slot -> image: a record reads at most the one stored image it pairs with, not the whole
    // reservoir.
    reservoir =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "identity-reservoir",
                    Types.INT,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    random = new SplittableRandom(seed ^ getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    var group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    // A gauge over checkpointed state: the count survives restores, as the registry it counts does.
    group.gauge("identitiesSeen", () -> identitiesSeen);
    group.gauge("replayDelayMs", () -> pacing == null ? 0 : pacing.delayMs(identitiesSeen));
    samples = group.counter("identitySamples");
    replays = group.counter("identityReplays");
  }

  @Override
  public void processElement(DecodedFace face, Context ctx, Collector<IdentitySample> out)
      throws Exception {
    IdentityCount entry = registry.value();
    long now = ctx.timerService().currentProcessingTime();
    if (pacing != null) {
      pacing.arrived(now);
    }
    if (entry == null) {
      entry = new IdentityCount(face.identityId, 0, now);
      identitiesSeen++;
    }
    entry.images++;
    registry.update(entry);
    ctx.output(REGISTRY, new IdentityCount(entry.identityId, entry.images, entry.firstSeenMillis));

    int stored = (int) Math.min(entry.images - 1, reservoirSize); // images kept before this one
    if (random.nextDouble() < sampleShare) {
      // An identity's first image pairs with itself, as the authors' loader does: the trainer
      // mirrors the two copies independently, so they still differ half of the time.
      byte[] partner = stored > 0 ? reservoir.get(random.nextInt(stored)) : face.pixels;
      out.collect(new IdentitySample(face.identityId, face.pixels, partner));
      samples.inc();
    }
    if (stored == 0 && pacing != null) {
      ctx.timerService().registerProcessingTimeTimer(now + pacing.delayMs(identitiesSeen));
    }
    // Reservoir sampling: the n-th image replaces a random slot with probability K / n.
    if (stored < reservoirSize) {
      reservoir.put(stored, face.pixels);
    } else {
      long slot = random.nextLong(entry.images);
      if (slot < reservoirSize) {
        reservoir.put((int) slot, face.pixels);
      }
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    identitiesSeenState.update(List.of(identitiesSeen));
    arrivalRateState.update(pacing == null ? List.of() : List.of(pacing.arrivalsPerSecond()));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    identitiesSeenState =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("identities-seen", Long.class));
    identitiesSeen = 0;
    for (Long count : identitiesSeenState.get()) {
      identitiesSeen +=
          count; // after rescaling a subtask may get several entries: their sum stays right
    }
    arrivalRateState =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("arrival-rate", Double.class));
    // Subtasks merged by a rescale receive the images their parts received: the rates add up.
    double arrivalRate = 0;
    for (Double rate : arrivalRateState.get()) {
      arrivalRate += rate;
    }
    pacing =
        replayIntervalMs > 0
            ? new ReplayPacing(replayIntervalMs, replaysPerArrival, arrivalRate)
            : null;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<IdentitySample> out)
      throws Exception {
    if (pacing == null) {
      return; // replays switched off since the timer was set (--replay-interval-ms 0): it lapses
    }
    IdentityCount entry = registry.value();
    int stored = entry == null ? 0 : (int) Math.min(entry.images, reservoirSize);
    if (stored >= 1) {
      int a = random.nextInt(stored);
      int b = stored == 1 ? a : (a + 1 + random.nextInt(stored - 1)) % stored;
      out.collect(
          new IdentitySample(ctx.getCurrentKey(), reservoir.get(a), reservoir.get(b), true));
      replays.inc();
    }
    // From now, not from the due time: timers overdue after a restore must not fire again at once.
    long now = ctx.timerService().currentProcessingTime();
    ctx.timerService().registerProcessingTimeTimer(now + pacing.delayMs(identitiesSeen));
  }
}
