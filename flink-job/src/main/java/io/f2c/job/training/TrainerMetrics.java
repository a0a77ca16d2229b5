package io.f2c.job.training;

import ai.djl.Device;
import io.f2c.training.F2cTrainer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * The trainer's metrics (group "trainer" of the operator): steps, imagesTrained, imagesPerSecond,
 * loss, poolHitRate, poolOccupancy, modelVersion, trainerStep, publishLagMs,
 * identitySamplesDropped, skippedUpdates, nativeArrays and nativeArrayBytes (the trainer's tensors,
 * read every {@link #NATIVE_EVERY_STEPS} steps), onGpu (1 on a GPU) and device.{cpu|gpu}.deviceId;
 * averagedRounds, lastRoundMs and lastRoundBytes of the averaging rounds ({@link #averaging}, 0 for
 * one trainer).
 */
final class TrainerMetrics {
  private final Counter steps;
  private final Counter imagesTrained;
  private final Counter samplesDropped;
  private final Counter skippedUpdates;
  private final MeterView images;
  private volatile float lastLoss;
  private volatile double lastHitRate;
  private volatile long lastPublishMillis = System.currentTimeMillis();
  private volatile int identitiesWaiting;
  private volatile long nativeArrays;
  private volatile long nativeArrayBytes;

  /** How often the trainer's tensors are counted (on its own thread, which owns them). */
  static final int NATIVE_EVERY_STEPS = 100;

  TrainerMetrics(
      MetricGroup operator,
      DoubleSupplier poolOccupancy,
      LongSupplier modelVersion,
      LongSupplier trainerStep,
      Device device) {
    MetricGroup group = operator.addGroup("trainer");
    // Which device the trainer uses: a label for Prometheus (device="gpu"), a number for the REST.
    boolean gpu = device.isGpu();
    group.addGroup("device", gpu ? "gpu" : "cpu").gauge("deviceId", device::getDeviceId);
    group.gauge("onGpu", () -> gpu ? 1 : 0);
    steps = group.counter("steps");
    imagesTrained = group.counter("imagesTrained");
    samplesDropped = group.counter("identitySamplesDropped");
    skippedUpdates = group.counter("skippedUpdates");
    images = group.meter("imagesPerSecond", new MeterView(10));
    group.gauge("loss", () -> lastLoss);
    group.gauge("poolHitRate", () -> lastHitRate);
    group.gauge("poolOccupancy", poolOccupancy::getAsDouble);
    group.gauge("modelVersion", modelVersion::getAsLong);
    group.gauge("trainerStep", trainerStep::getAsLong);
    group.gauge("publishLagMs", () -> System.currentTimeMillis() - lastPublishMillis);
    group.gauge("identitiesWaiting", () -> identitiesWaiting);
    group.gauge("nativeArrays", () -> nativeArrays);
    group.gauge("nativeArrayBytes", () -> nativeArrayBytes);
  }

  /**
   * The images of every instance batch this trainer received, trained or pending, restored with its
   * state: with the loaders' buffered images it accounts for every training image read.
   */
  void instanceImagesIn(MetricGroup operator, LongSupplier images) {
    operator.addGroup("trainer").gauge("instanceImagesIn", images::getAsLong);
  }

  /** The averaging rounds of one of K trainers (0 while there is one). */
  void averaging(
      MetricGroup operator, LongSupplier rounds, LongSupplier roundMillis, LongSupplier bytes) {
    MetricGroup group = operator.addGroup("trainer");
    group.gauge("averagedRounds", rounds::getAsLong);
    group.gauge("lastRoundMs", roundMillis::getAsLong);
    group.gauge("lastRoundBytes", bytes::getAsLong);
  }

  /**
   * Counts the trainer's tensors at its first step here, then every {@link #NATIVE_EVERY_STEPS}.
   */
  void nativeMemory(long step, F2cTrainer trainer) {
    if (step % NATIVE_EVERY_STEPS == 1 || nativeArrays == 0) {
      long[] arrays = trainer.nativeArrays();
      nativeArrays = arrays[0];
      nativeArrayBytes = arrays[1];
    }
  }

  /** Distinct identities whose samples waited, the last time the trainer waited for identities. */
  void identitiesWaiting(int count) {
    identitiesWaiting = count;
  }

  void stepped(F2cTrainer.StepResult result) {
    if (!result.applied()) {
      skippedUpdates.inc();
    }
    lastLoss = result.loss();
    lastHitRate = result.poolHitRate();
    steps.inc();
    imagesTrained.inc(result.images());
    images.markEvent(result.images());
  }

  void sampleDropped() {
    samplesDropped.inc();
  }

  void published(long atMillis) {
    lastPublishMillis = atMillis;
  }
}
