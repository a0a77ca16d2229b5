package io.f2c.job.training;

import io.f2c.batching.DistinctIdentities;
import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.job.scaleout.RoundParticipant;
import io.f2c.scaleout.RoundSteps;
import io.f2c.training.F2cTrainer;
import io.f2c.training.TrainerConfig;
import io.f2c.training.TrainerSnapshot;
import io.f2c.training.TrainingBatches;
import io.f2c.training.TrainingDevice;
import io.f2c.training.WarmStart;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer as a Flink operator: a thin shell around {@link F2cTrainer} that owns its state.
 *
 * <ul>
 *   <li>Input 1: identity samples; input 2: instance batches; both keyed by one trainer key (one
 *       trainer per subtask and device). A step runs as soon as {@code identityBatch} samples of
 *       distinct identities and one instance batch wait, or with the identities there are once
 *       instance batches back up ({@link DistinctIdentities#forStep}).
 *   <li>State: pending samples and batches (operator state, at most a few identity batches of
 *       samples: they can come faster than instance batches); the Dynamic Class Pool's rows as
 *       RocksDB map state (row -> both slots), written through for the rows each step changed;
 *       everything else of the trainer (P, G, momentum, LRU order, toggles, step, model version) as
 *       one blob in operator state at each checkpoint. With incremental checkpoints the pool costs
 *       only the rows changed since the last one. The hot pool on the device is rebuilt from the
 *       map state after a restore.
 *   <li>Every {@code publishEverySteps} steps it emits a new model version (strictly increasing
 *       across restarts: the counter is part of the checkpointed state).
 *   <li>Metrics: {@link TrainerMetrics}.
 * </ul>
 */
public final class TrainingFunction
    extends KeyedCoProcessFunction<String, IdentitySample, InstanceBatchRecord, PublishedModel>
    implements CheckpointedFunction {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingFunction.class);
  private static final long serialVersionUID = 1L;

  /**
   * The trainers' state reports (job accumulator): "restored ..." after a restore, "closed ..."
   * when the task ends, each with trainer, step, model version, {@link F2cTrainer#stateDigest} and
   * {@link F2cTrainer#networksDigest}.
   */
  public static final String STATE_ACCUMULATOR = "trainer-state";

  /** Identity samples kept waiting for instance batches, in identity batches. */
  static final int MAX_PENDING_IDENTITY_BATCHES = 4;

  private final TrainingSettings settings;

  private transient TrainerHost host;
  private transient F2cTrainer trainer;
  private transient TrainerState state;
  private transient List<TrainerCore> restoredCores;
  private transient PoolRowStore poolRows;
  private transient RoundParticipant rounds;
  private transient ArrayDeque<IdentitySample> pendingSamples;
  private transient ArrayDeque<InstanceBatchRecord> pendingBatches;
  private transient long modelVersion;
  private transient long imagesSeen;
  private transient long instanceImagesIn;
  private transient long publishedMark;
  private transient F2cTrainer.StepResult lastStep;
  private transient TrainerMetrics metrics;
  private transient ListAccumulator<String> stateReports;
  private transient boolean waitingLogged;
  private transient boolean smallerBatchesLogged;

  public TrainingFunction(TrainingSettings settings) {
    this.settings = settings;
  }

  /** Called by {@link TrainerOperator} before the function is opened. */
  void attach(TrainerHost host) {
    this.host = host;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    state = new TrainerState(context.getOperatorStateStore());
    restoredCores = state.cores();
    for (TrainerCore core : restoredCores) {
      try {
        TrainerSnapshot.requireRestorable(core.core, settings.trainer());
      } catch (IllegalArgumentException e) {
        // Restarting cannot change a saved state that does not fit: fail once, with the reason.
        throw new SuppressRestartsException(e);
      }
    }
    pendingSamples = new ArrayDeque<>();
    pendingBatches = new ArrayDeque<>();
  }

  @Override
  public void open(OpenContext context) throws Exception {
    try {
      trainer = new F2cTrainer(settings.trainer(), host.subtask());
    } catch (TrainingDevice.Unavailable e) {
      // A restart finds the same machine: fail the job at once instead of restarting forever.
      throw new SuppressRestartsException(e);
    }
    LOG.info(
        "trainer {} of {} runs on {} (--device {})",
        host.subtask() + 1,
        host.trainers(),
        trainer.device(),
        settings.trainer().device().id());
    poolRows = new PoolRowStore(getRuntimeContext(), host);
    stateReports = new ListAccumulator<>();
    getRuntimeContext().addAccumulator(STATE_ACCUMULATOR, stateReports);
    if (restoredCores.isEmpty()) {
      startWithoutState();
    } else {
      restore();
    }
    publishedMark = trainer.steps() / settings.publishEverySteps();
    boolean dcp = settings.trainer().head() == TrainerConfig.Head.DCP;
    metrics =
        new TrainerMetrics(
            getRuntimeContext().getMetricGroup(),
            () -> dcp ? trainer.pool().occupancy() : 0.0,
            () -> modelVersion,
            () -> trainer.steps(),
            trainer.device());
    metrics.averaging(
        getRuntimeContext().getMetricGroup(),
        rounds::roundsApplied,
        rounds::lastRoundMillis,
        rounds::lastRoundBytes);
    metrics.instanceImagesIn(getRuntimeContext().getMetricGroup(), () -> instanceImagesIn);
  }

  private void startWithoutState() {
    // Versions continue after what the topic already holds: a job started without state must not
    // publish a version number again (subscribers ignore versions they already passed).
    modelVersion = settings.publishedBefore();
    if (settings.initModel() != null) {
      WarmStart.Outcome outcome = trainer.warmStart(settings.initModel().blob());
      LOG.info(
          "--init-model {}: {}{}",
          settings.initModel().source(),
          outcome.applied() ? "" : "not used: ",
          outcome.reason());
    }
    rounds = new RoundParticipant(host::sendToCoordinator, settings.stepsPerRound(), 0, 0);
  }

  private void restore() throws Exception {
    TrainerRestore.Restored restored =
        TrainerRestore.apply(trainer, restoredCores, host.subtask(), host.trainers(), poolRows);
    // Versions continue after the saved counter or after what the topic already holds, whichever
    // is later (an older savepoint than the last job's must not number a version again).
    modelVersion = Math.max(restored.modelVersion(), settings.publishedBefore());
    imagesSeen = restored.images();
    // Each saved count goes to one trainer, so that the sum over trainers survives a change of K.
    instanceImagesIn =
        restoredCores.stream()
            .filter(core -> core.subtask % host.trainers() == host.subtask())
            .mapToLong(core -> core.instanceImagesIn)
            .sum();
    rounds =
        new RoundParticipant(
            host::sendToCoordinator, settings.stepsPerRound(), restored.step(), restored.images());
    for (IdentitySample sample : state.pendingSamples()) {
      if (host.owns(sample.identityId)) {
        pendingSamples.add(sample);
      }
    }
    List<InstanceBatchRecord> batches = state.pendingBatches();
    for (int i = host.subtask(); i < batches.size(); i += host.trainers()) {
      pendingBatches.add(batches.get(i));
    }
    restoredCores = List.of();
    stateReports.add(stateReport("restored"));
  }

  @Override
  public void processElement1(IdentitySample sample, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    pendingSamples.addLast(sample);
    // Identity samples can arrive faster than instance batches; keep the freshest few batches'
    // worth. Their images stay in the identity loader's reservoirs and come back through replays.
    while (pendingSamples.size() > MAX_PENDING_IDENTITY_BATCHES * settings.identityBatch()) {
      pendingSamples.removeFirst();
      metrics.sampleDropped();
    }
    trainWhileReady(out);
  }

  @Override
  public void processElement2(InstanceBatchRecord batch, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    pendingBatches.addLast(batch);
    instanceImagesIn += batch.labels.length;
    trainWhileReady(out);
  }

  private void trainWhileReady(Collector<PublishedModel> out) throws Exception {
    int identityBatch = settings.identityBatch();
    while (!pendingBatches.isEmpty()) {
      List<IdentitySample> samples =
          DistinctIdentities.forStep(
              pendingSamples, identityBatch, settings.replayShare(), pendingBatches.size());
      if (samples == null) {
        waitForIdentities(identityBatch);
        return;
      }
      if (samples.size() < identityBatch && !smallerBatchesLogged) {
        smallerBatchesLogged = true;
        LOG.info(
            "training with identity batches of the {} identities waiting (--identity-batch {}):"
                + " the stream has brought fewer distinct identities than a batch so far",
            samples.size(),
            identityBatch);
      }
      waitingLogged = false;
      step(samples, pendingBatches.removeFirst(), out);
    }
  }

  /** Says once per wait why the trainer does not step although images are there. */
  private void waitForIdentities(int identityBatch) {
    int waiting = DistinctIdentities.count(pendingSamples);
    metrics.identitiesWaiting(waiting);
    if (!waitingLogged) {
      waitingLogged = true;
      LOG.info(
          "trainer waits for identities: {} distinct waiting, a step takes {} (--identity-batch),"
              + " or from {} once {} instance batches wait",
          waiting,
          identityBatch,
          DistinctIdentities.FEWEST_IDENTITIES,
          DistinctIdentities.BACKLOG_FOR_A_SMALLER_BATCH);
    }
  }

  private void step(
      List<IdentitySample> samples, InstanceBatchRecord batch, Collector<PublishedModel> out)
      throws Exception {
    TrainerConfig config = settings.trainer();
    int length = config.input().tensorLength();
    String[] ids = new String[samples.size()];
    float[] first = new float[samples.size() * length];
    float[] second = new float[samples.size() * length];
    for (int i = 0; i < samples.size(); i++) {
      ids[i] = samples.get(i).identityId;
      config.input().normalize(samples.get(i).first, first, i * length);
      config.input().normalize(samples.get(i).second, second, i * length);
    }
    F2cTrainer.StepResult result =
        trainer.step(
            new TrainingBatches.IdentityBatch(ids, first, second), batch.toBatch(config.input()));
    if (config.head() == TrainerConfig.Head.DCP) {
      poolRows.saveStep(trainer.pool());
    }
    imagesSeen += result.images();
    lastStep = result;
    metrics.stepped(result);
    metrics.nativeMemory(result.step(), trainer);
    if (host.trainers() > 1) {
      rounds.stepped(trainer);
    } else if (result.step() % settings.publishEverySteps() == 0) {
      out.collect(publish(result.step(), trainer.exportModel()));
    }
  }

  /** An event of the averaging coordinator (on the task thread, between records). */
  void handleRoundEvent(OperatorEvent event) {
    RoundParticipant.Applied applied =
        rounds.handle(
            event,
            trainer,
            new RoundParticipant.Images() {
              @Override
              public long images() {
                return imagesSeen;
              }

              @Override
              public void continueFromImages(long images) {
                imagesSeen = images;
              }
            });
    if (applied == null || host.subtask() != 0 || lastStep == null) {
      return;
    }
    long mark = applied.globalStep() / settings.publishEverySteps();
    if (mark > publishedMark) {
      publishedMark = mark;
      // The version is the round's average itself, not this trainer's progress on top of it.
      List<float[]> own = trainer.networkValues();
      trainer.setNetworkValues(applied.average());
      byte[] blob = trainer.exportModel();
      trainer.setNetworkValues(own);
      PublishedModel model = publish(applied.globalStep(), blob);
      model.imagesSeen = applied.globalImages();
      host.emit(model);
    }
  }

  private PublishedModel publish(long step, byte[] blob) {
    TrainerConfig config = settings.trainer();
    PublishedModel model = new PublishedModel();
    model.modelName = settings.modelName();
    model.version = ++modelVersion;
    model.trainingStep = step;
    model.createdAtMillis = System.currentTimeMillis();
    model.architecture = config.backbone().id();
    model.embeddingDim = config.embeddingDim();
    model.setInput(config.input());
    model.testTimeFlip = config.testTimeFlip();
    model.loss = lastStep.loss();
    model.poolOccupancy = lastStep.occupancy();
    model.imagesSeen = imagesSeen;
    model.identitiesSeen =
        config.head() == TrainerConfig.Head.DCP ? trainer.pool().lru().size() : 0;
    model.blob = blob;
    metrics.published(model.createdAtMillis);
    return model;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    TrainerCore core = new TrainerCore();
    core.subtask = host.subtask();
    core.trainers = host.trainers();
    core.core = trainer.snapshotWithoutPoolFeatures();
    RoundSteps steps = rounds.steps(trainer);
    core.step = steps.step();
    core.stepsSinceRound = steps.sinceRound();
    core.images = imagesSeen;
    core.imagesSinceRound = rounds.images(imagesSeen).sinceRound();
    core.modelVersion = modelVersion;
    core.instanceImagesIn = instanceImagesIn;
    state.save(core, pendingSamples, pendingBatches);
  }

  /** The trainer (for tests through the operator harness). */
  @VisibleForTesting
  F2cTrainer trainer() {
    return trainer;
  }

  /**
   * "EVENT trainer=I step=S version=V digest=D networks=N": what trainer I holds (N its networks
   * alone), for operators and tests.
   */
  private String stateReport(String event) {
    return event
        + " trainer="
        + host.subtask()
        + " step="
        + trainer.steps()
        + " version="
        + modelVersion
        + " digest="
        + trainer.stateDigest()
        + " networks="
        + trainer.networksDigest();
  }

  @Override
  public void close() {
    if (trainer != null) {
      if (stateReports != null) {
        // After stop-with-savepoint this is the state the savepoint holds.
        stateReports.add(stateReport("closed"));
      }
      trainer.close();
    }
  }
}
