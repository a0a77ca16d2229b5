package io.f2c.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.f2c.model.ModelBlob;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One F2C trainer (no Flink here): probe net P trained by SGD, and a classification head, F2C's
 * Dynamic Class Pool with the gallery net G ({@link TrainerConfig.Head#DCP}) or the FC baseline
 * ({@link TrainerConfig.Head#FC}).
 *
 * <p>A {@link #step} composes x and y from an identity batch and an instance batch, runs the head's
 * passes, one backward pass and one optimizer update. Every temporary tensor of a step lives in an
 * {@link NDScope} closed at its end, so long runs do not accumulate native memory. Not thread-safe:
 * one trainer per thread (per Flink subtask).
 */
public final class F2cTrainer implements AutoCloseable {
  private final TrainerConfig config;
  private final NDManager manager;
  private final Networks nets;
  private final ClassificationHead head;
  private final SgdOptimizer optimizer;
  private long step;

  public F2cTrainer(TrainerConfig config) {
    this(config, 0);
  }

  /**
   * Trainer {@code trainer} of several in one process: on its own GPU where there are several
   * ({@link TrainingDevice#resolve(int)}).
   */
  public F2cTrainer(TrainerConfig config, int trainer) {
    this.config = config;
    Engine.getEngine("PyTorch"); // loads libtorch before the thread setting below
    JniUtils.setNumThreads(config.torchThreads());
    noGradOnThisThread();
    this.manager = NDManager.newBaseManager(config.device().resolve(trainer), "PyTorch");
    boolean dcp = config.head() == TrainerConfig.Head.DCP;
    this.nets = new Networks(config, manager, dcp);
    this.head = dcp ? new DcpHead(config, nets, manager) : new FcHead(config, manager);
    this.optimizer =
        new SgdOptimizer(config.sgdMomentum(), config.weightDecay(), config.nesterov());
    List<NDArray> trainable = new ArrayList<>(nets.trainableProbeArrays());
    trainable.addAll(head.trainableArrays());
    optimizer.register(trainable);
  }

  /**
   * PyTorch's autograd switch is per thread and on by default; DJL turns it off only on the thread
   * that loaded the engine. A Flink task restarted after a failure runs on a new thread, so every
   * entry point turns it off here (the gradient tape turns it on for its own scope).
   */
  static void noGradOnThisThread() {
    JniUtils.setGradMode(false);
  }

  public TrainerConfig config() {
    return config;
  }

  /**
   * Where this trainer's tensors live (what {@code --device} resolved to here), e.g. cpu() or
   * gpu(0).
   */
  public Device device() {
    return manager.getDevice();
  }

  /** Steps taken so far (the learning-rate schedule's position). */
  public long steps() {
    return step;
  }

  /** What one step did. */
  public record StepResult(
      long step,
      float loss,
      float learningRate,
      double poolHitRate,
      double occupancy,
      int images,
      boolean applied) {}

  /**
   * Gradients are scaled down to this joint L2 norm; a non-finite loss or gradient skips the
   * update.
   */
  static final float MAX_GRADIENT_NORM = 20f;

  /** Flips and shifts, in place, {@code count} images that start at {@code firstPosition}. */
  private void augment(float[] pixels, int count, int firstPosition) {
    if (config.horizontalFlip()) {
      HorizontalFlip.apply(pixels, count, config.input(), config.seed(), step, firstPosition);
    }
    RandomShift.apply(
        pixels, count, config.input(), config.shiftPixels(), config.seed(), step, firstPosition);
  }

  public StepResult step(
      TrainingBatches.IdentityBatch identities, TrainingBatches.InstanceBatch instances) {
    int imageLength = config.input().tensorLength();
    TrainingBatches.Composed batch = TrainingBatches.compose(identities, instances, imageLength);
    float lr = config.schedule().at(step);
    augment(batch.x(), batch.half(), 0);
    augment(batch.y(), batch.half(), batch.half());
    noGradOnThisThread();
    try (NDScope scope = new NDScope()) {
      NDArray x = images(batch.x(), batch.half());
      NDArray y = images(batch.y(), batch.half());
      if (!Float.isFinite(x.sum().getFloat() + y.sum().getFloat())) {
        // Refused before anything sees it: a forward pass alone would put NaN into the BatchNorm
        // statistics, the gallery's features and the pool, and every later step would be lost too.
        step++;
        return new StepResult(step, Float.NaN, lr, 0, head.occupancy(), 2 * batch.half(), false);
      }
      head.prepare(x, y);
      optimizer.zeroGradients();
      HeadLoss loss;
      try (ThreadGradients tape = new ThreadGradients()) {
        // P(x) and P(y) as two passes, as the authors run them: BatchNorm normalises each half
        // with its own statistics (one pass over [x; y] would mix identity and instance images).
        NDArray probeX = nets.forwardProbe(x, true);
        NDArray probeY = nets.forwardProbe(y, true);
        loss = head.loss(probeX, probeY, batch.xLabels(), batch.yLabels());
        tape.backward(loss.total());
      }
      float value = loss.total().getFloat();
      boolean applied = Float.isFinite(value) && optimizer.clipGradients(MAX_GRADIENT_NORM);
      if (applied) {
        optimizer.step(lr);
      }
      step++;
      return new StepResult(
          step,
          value,
          lr,
          loss.hits() / (double) loss.probes(),
          head.occupancy(),
          2 * batch.half(),
          applied);
    }
  }

  /**
   * Embeddings of {@code count} preprocessed images by the probe net in inference mode, row-major
   * [count, D].
   */
  public float[] embed(float[] images, int count) {
    noGradOnThisThread();
    try (NDScope scope = new NDScope()) {
      return nets.forwardProbe(images(images, count), false).toFloatArray();
    }
  }

  /** The Dynamic Class Pool (DCP head only). */
  public DynamicClassPool pool() {
    if (head instanceof DcpHead dcp) {
      return dcp.pool();
    }
    throw new IllegalStateException("the FC head has no Dynamic Class Pool");
  }

  /** Probe-net parameters as float arrays, in block order (for tests and comparisons). */
  public List<float[]> probeValues() {
    return nets.probeArrays().stream().map(NDArray::toFloatArray).toList();
  }

  /**
   * The whole trainer state as bytes; {@link #restore} in a trainer with an equal config continues
   * bit for bit.
   */
  public byte[] snapshot() {
    return TrainerSnapshot.write(this, true);
  }

  /**
   * A short fingerprint of the whole state (P, G, momentum, pool, LRU order, toggles, step): equal
   * for two trainers exactly when one continues as the other would.
   */
  public String stateDigest() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      // Streamed through the digest: the whole state is never one heap buffer (a pool of 100,000
      // rows would not fit).
      TrainerSnapshot.write(
          this, true, new DigestOutputStream(OutputStream.nullOutputStream(), digest));
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A short fingerprint of the networks alone (P and G, weights and BatchNorm statistics): equal
   * for K trainers after a restore, which all start from the average.
   */
  public String networksDigest() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (float[] values : networkValues()) {
        for (float v : values) {
          int bits = Float.floatToRawIntBits(v);
          digest.update(
              new byte[] {
                (byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)
              });
        }
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public void restore(byte[] snapshot) {
    noGradOnThisThread();
    TrainerSnapshot.read(this, snapshot, true);
  }

  /**
   * The snapshot without the pool's rows (features, toggles, identities, recency), for a caller
   * that keeps the rows itself: the streaming job writes them through to RocksDB as they change, so
   * checkpoints carry only the rows a step changed.
   */
  public byte[] snapshotWithoutPoolFeatures() {
    return TrainerSnapshot.write(this, false);
  }

  /**
   * Restores {@link #snapshotWithoutPoolFeatures} together with the pool rows the caller kept
   * ({@link DynamicClassPool#row}); rows not given start as in a fresh trainer.
   */
  public void restoreWithoutPoolFeatures(byte[] snapshot, List<PoolRow> rows) {
    noGradOnThisThread();
    TrainerSnapshot.read(this, snapshot, false);
    if (head instanceof DcpHead dcp) {
      dcp.restoreRows(rows);
    }
  }

  /**
   * Restores a snapshot of another layout of trainers (K changed): everything from the snapshot but
   * the pool, which takes {@code rows} (gathered from several pools) renumbered by recency.
   */
  public void restoreRenumberingPool(byte[] snapshot, List<PoolRow> rows) {
    noGradOnThisThread();
    TrainerSnapshot.read(this, snapshot, false);
    if (head instanceof DcpHead dcp) {
      dcp.restoreRowsRenumbered(rows);
    }
  }

  /**
   * P's arrays then G's (weights and BatchNorm statistics), as float arrays: what K trainers
   * average ({@link io.f2c.scaleout.NetworkAverage}).
   */
  public List<float[]> networkValues() {
    List<float[]> values = new ArrayList<>();
    nets.probeArrays().forEach(a -> values.add(a.toFloatArray()));
    nets.galleryArrays().forEach(a -> values.add(a.toFloatArray()));
    return values;
  }

  /** Sets {@link #networkValues}. */
  public void setNetworkValues(List<float[]> values) {
    List<NDArray> arrays = new ArrayList<>(nets.probeArrays());
    arrays.addAll(nets.galleryArrays());
    copyInto(arrays, values);
  }

  /** The optimizer's momentum buffers, as float arrays. */
  public List<float[]> momentumValues() {
    return optimizer.buffers().stream().map(NDArray::toFloatArray).toList();
  }

  public void setMomentumValues(List<float[]> values) {
    copyInto(optimizer.buffers(), values);
  }

  /** Continues counting (and the learning-rate schedule) from {@code steps}. */
  public void continueFromStep(long steps) {
    setSteps(steps);
  }

  private static void copyInto(List<NDArray> arrays, List<float[]> values) {
    if (arrays.size() != values.size()) {
      throw new IllegalArgumentException(
          "expected " + arrays.size() + " arrays, given " + values.size());
    }
    for (int i = 0; i < arrays.size(); i++) {
      InPlace.copy(arrays.get(i), values.get(i));
    }
  }

  /**
   * Starts this fresh trainer from a published model ({@link WarmStart}): its network becomes the
   * probe and gallery nets where backbone, embedding size and input match.
   */
  public WarmStart.Outcome warmStart(byte[] modelBlob) {
    noGradOnThisThread();
    if (step != 0) {
      throw new IllegalStateException("a warm start is for a trainer that has not trained yet");
    }
    return WarmStart.apply(this, modelBlob);
  }

  /**
   * The probe net, its input spec and whether it embeds with flip test-time augmentation, as
   * published in a ModelUpdate (see {@link io.f2c.model.Embedder}).
   */
  public byte[] exportModel() {
    return ModelBlob.write(
        config.backbone(),
        config.embeddingDim(),
        config.input(),
        config.testTimeFlip(),
        nets.probe());
  }

  Networks networks() {
    return nets;
  }

  ClassificationHead head() {
    return head;
  }

  SgdOptimizer optimizer() {
    return optimizer;
  }

  void setSteps(long steps) {
    this.step = steps;
  }

  private NDArray images(float[] pixels, int count) {
    int size = config.input().size();
    return manager.create(pixels, new Shape(count, config.input().channels(), size, size));
  }

  /**
   * The native tensors this trainer holds now: {arrays, bytes} over its manager and every manager
   * under it. Flat over a long run when each step closes what it made.
   */
  public long[] nativeArrays() {
    long count = 0;
    long bytes = 0;
    for (NDArray array : manager.getManagedArrays()) {
      if (!array.isReleased()) {
        count++;
        bytes += array.size() * array.getDataType().getNumOfBytes();
      }
    }
    return new long[] {count, bytes};
  }

  @Override
  public void close() {
    head.close();
    manager.close();
  }
}
