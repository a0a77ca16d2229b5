package io.f2c.training;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.publishing.PublishedModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The trainer as a Flink operator: a thin shell around {@link F2cTrainer} that owns its state.
 *
 * <ul>
 *   <li>Input 1: identity samples; input 2: instance batches; both keyed by one trainer key (one trainer per
 *       subtask and device). A step runs as soon as {@code identityBatch} samples and one instance batch wait.
 *   <li>State: pending samples and batches (operator state, at most a few identity batches of samples: they can
 *       come faster than instance batches); the Dynamic Class Pool's rows as RocksDB map state
 *       (row -> both slots), written through for the rows each step changed; everything else of the trainer (P, G,
 *       momentum, LRU order, toggles, step, model version) as one blob in operator state at each checkpoint. With
 *       incremental checkpoints the pool costs only the rows changed since the last one. The hot pool on the device
 *       is rebuilt from the map state after a restore.
 *   <li>Every {@code publishEverySteps} steps it emits a new model version (strictly increasing across restarts:
 *       the counter is part of the checkpointed state).
 *   <li>Metrics (group "trainer"): loss, imagesPerSecond, steps, poolOccupancy, poolHitRate, modelVersion,
 *       publishLagMs.
 * </ul>
 */
public final class TrainingFunction extends KeyedCoProcessFunction<String, IdentitySample, InstanceBatchRecord,
    PublishedModel> implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  /** All samples and batches go to the one trainer under this key. */
  public static final String TRAINER_KEY = "trainer";

  /** Identity samples kept waiting for instance batches, in identity batches. */
  static final int MAX_PENDING_IDENTITY_BATCHES = 4;

  private final TrainerConfig config;
  private final String modelName;
  private final int identityBatch;
  private final long publishEverySteps;
  private final long failAtStep;

  private transient F2cTrainer trainer;
  private transient java.util.ArrayDeque<IdentitySample> pendingSamples;
  private transient java.util.ArrayDeque<InstanceBatchRecord> pendingBatches;
  private transient ListState<IdentitySample> checkpointedSamples;
  private transient ListState<InstanceBatchRecord> checkpointedBatches;
  private transient Counter samplesDropped;
  private transient Counter skippedUpdates;
  private transient MapState<Integer, PoolRow> poolRows;
  private transient ListState<byte[]> trainerCore;
  private transient ListState<Long> counters;
  private transient byte[] restoredCore;
  private transient boolean rowsRestored;
  private transient long modelVersion;
  private transient long imagesSeen;
  private transient long lastPublishMillis;
  private transient volatile float lastLoss;
  private transient volatile double lastHitRate;
  private transient Counter steps;
  private transient MeterView images;

  /**
   * @param failAtStep fail the job once when this step is reached (0: never); for testing restores
   */
  public TrainingFunction(TrainerConfig config, String modelName, int identityBatch, long publishEverySteps,
      long failAtStep) {
    this.config = config;
    this.modelName = modelName;
    this.identityBatch = identityBatch;
    this.publishEverySteps = publishEverySteps;
    this.failAtStep = failAtStep;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    trainerCore = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("trainer-core", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    counters = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("trainer-counters", Types.LONG));
    restoredCore = null;
    for (byte[] core : trainerCore.get()) {
      restoredCore = core;
    }
    checkpointedSamples = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("pending-samples", IdentitySample.class));
    checkpointedBatches = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("pending-batches", InstanceBatchRecord.class));
    pendingSamples = new java.util.ArrayDeque<>();
    checkpointedSamples.get().forEach(pendingSamples::add);
    pendingBatches = new java.util.ArrayDeque<>();
    checkpointedBatches.get().forEach(pendingBatches::add);
    List<Long> values = new ArrayList<>();
    counters.get().forEach(values::add);
    modelVersion = values.isEmpty() ? 0 : values.get(0);
    imagesSeen = values.isEmpty() ? 0 : values.get(1);
  }

  @Override
  public void open(OpenContext context) {
    trainer = new F2cTrainer(config);
    poolRows = getRuntimeContext().getMapState(new MapStateDescriptor<>("pool-rows", Types.INT,
        TypeInformation.of(PoolRow.class)));
    lastPublishMillis = System.currentTimeMillis();
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("trainer");
    steps = group.counter("steps");
    samplesDropped = group.counter("identitySamplesDropped");
    skippedUpdates = group.counter("skippedUpdates");
    images = group.meter("imagesPerSecond", new MeterView(10));
    group.gauge("loss", () -> lastLoss);
    group.gauge("poolHitRate", () -> lastHitRate);
    group.gauge("poolOccupancy", () -> config.head() == TrainerConfig.Head.DCP ? trainer.pool().occupancy() : 0.0);
    group.gauge("modelVersion", () -> modelVersion);
    group.gauge("trainerStep", () -> trainer.steps());
    group.gauge("publishLagMs", () -> System.currentTimeMillis() - lastPublishMillis);
  }

  @Override
  public void processElement1(IdentitySample sample, Context ctx, Collector<PublishedModel> out) throws Exception {
    restoreRowsOnce();
    pendingSamples.addLast(sample);
    // Identity samples can arrive faster than instance batches; keep the freshest few batches' worth. Their
    // images stay in the identity loader's reservoirs and come back through replays.
    while (pendingSamples.size() > MAX_PENDING_IDENTITY_BATCHES * identityBatch) {
      pendingSamples.removeFirst();
      samplesDropped.inc();
    }
    trainWhileReady(out);
  }

  @Override
  public void processElement2(InstanceBatchRecord batch, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    restoreRowsOnce();
    pendingBatches.addLast(batch);
    trainWhileReady(out);
  }

  /** The trainer comes back on the first element after a restore: its pool rows are keyed state, which needs a key. */
  private void restoreRowsOnce() throws Exception {
    if (rowsRestored) {
      return;
    }
    rowsRestored = true;
    if (restoredCore != null) {
      List<PoolRow> rows = new ArrayList<>();
      poolRows.values().forEach(rows::add);
      trainer.restoreWithoutPoolFeatures(restoredCore, rows);
    }
  }

  private void trainWhileReady(Collector<PublishedModel> out) throws Exception {
    while (pendingSamples.size() >= identityBatch && !pendingBatches.isEmpty()) {
      List<IdentitySample> samples = new ArrayList<>(identityBatch);
      for (int i = 0; i < identityBatch; i++) {
        samples.add(pendingSamples.removeFirst());
      }
      step(samples, pendingBatches.removeFirst(), out);
    }
  }

  private void step(List<IdentitySample> samples, InstanceBatchRecord batch, Collector<PublishedModel> out)
      throws Exception {
    if (failAtStep > 0 && trainer.steps() + 1 == failAtStep && getRuntimeContext().getTaskInfo()
        .getAttemptNumber() == 0) {
      throw new IllegalStateException("failing on purpose at step " + failAtStep + " (--fail-at-step)");
    }
    int length = config.input().tensorLength();
    String[] ids = new String[samples.size()];
    float[] first = new float[samples.size() * length];
    float[] second = new float[samples.size() * length];
    for (int i = 0; i < samples.size(); i++) {
      ids[i] = samples.get(i).identityId;
      config.input().normalize(samples.get(i).first, first, i * length);
      config.input().normalize(samples.get(i).second, second, i * length);
    }
    F2cTrainer.StepResult result = trainer.step(new TrainingBatches.IdentityBatch(ids, first, second),
        batch.toBatch(config.input()));
    if (config.head() == TrainerConfig.Head.DCP) {
      for (PoolRow row : trainer.pool().rows(trainer.pool().lastWrittenRows())) {
        poolRows.put(row.row, row);
      }
    }
    if (!result.applied()) {
      skippedUpdates.inc();
    }
    lastLoss = result.loss();
    lastHitRate = result.poolHitRate();
    imagesSeen += result.images();
    steps.inc();
    images.markEvent(result.images());
    if (result.step() % publishEverySteps == 0) {
      out.collect(publish(result));
    }
  }

  private PublishedModel publish(F2cTrainer.StepResult result) {
    PublishedModel model = new PublishedModel();
    model.modelName = modelName;
    model.version = ++modelVersion;
    model.trainingStep = result.step();
    model.createdAtMillis = System.currentTimeMillis();
    model.architecture = config.backbone();
    model.embeddingDim = config.embeddingDim();
    model.setInput(config.input());
    model.loss = result.loss();
    model.poolOccupancy = result.occupancy();
    model.imagesSeen = imagesSeen;
    model.identitiesSeen = config.head() == TrainerConfig.Head.DCP ? trainer.pool().lru().size() : 0;
    model.blob = trainer.exportModel();
    lastPublishMillis = model.createdAtMillis;
    return model;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    // Restored but no element yet: the trainer is still the fresh one, so keep the restored state as it was.
    boolean awaitingRestore = !rowsRestored && restoredCore != null;
    trainerCore.update(List.of(awaitingRestore ? restoredCore : trainer.snapshotWithoutPoolFeatures()));
    checkpointedSamples.update(new ArrayList<>(pendingSamples));
    checkpointedBatches.update(new ArrayList<>(pendingBatches));
    counters.update(List.of(modelVersion, imagesSeen));
  }

  /** The trainer (for tests through the operator harness). */
  F2cTrainer trainer() {
    return trainer;
  }

  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
    }
  }
}
