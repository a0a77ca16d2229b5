package io.f2c.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.f2c.model.TorchScalars;
import java.util.Arrays;

/**
 * insightface's Partial FC (PartialFC_V2 of arcface_torch) on one device: all N class centres are
 * kept, with their SGD momentum, but a step scores the probes against a sample of them, every
 * positive centre of the batch and random negatives. The sample holds {@link #sampleCount} rows:
 * floor(rate x N), PartialFC_V2's {@code int(sample_rate * num_local)}, or all the batch's distinct
 * labels where they are more. Logits and loss are {@link FcHead}'s (cosine against normalised
 * centres, F2C's margin softmax), over the sample.
 *
 * <p>A step is {@link #sample}, {@link #loss} on the gradient tape, backward, {@link #update}. Only
 * the sampled rows get a gradient, and only they and their momentum change: the original Partial
 * FC's sparse update. PartialFC_V2 leaves the update to PyTorch's SGD over all N rows instead,
 * whose gradient is N x D (zero off the sample); the sparse update keeps the per-step cost to the
 * sample, which is what Partial FC is for.
 *
 * <p>Labels are class indices in [0, N); the embeddings passed in are unit vectors, as for {@link
 * FcHead}. A step's arrays belong to the head's manager: close them after the step (an NDScope).
 */
public final class PartialFcHead implements AutoCloseable {
  private final NDArray weights;
  private final NDArray momentumBuffers;
  private final long classes;
  private final double sampleRate;
  private final F2cLoss loss;
  private final float momentum;
  private final float weightDecay;
  private final boolean nesterov;

  /**
   * One step's sampled classes.
   *
   * @param rows the sampled class indices [K]: the distinct labels in ascending order, then the
   *     negatives
   * @param targets each probe's position in {@code rows}
   * @param centres a copy of the sampled weight rows [K, D], the leaf that receives the gradient
   */
  public record Sample(NDArray rows, long[] targets, NDArray centres) {}

  /**
   * @param config N is {@code fcClasses}; also the embedding dimension, margin and scale, SGD
   *     momentum, weight decay, Nesterov and seed
   * @param sampleRate share of the N centres a step uses, in (0, 1]
   */
  public PartialFcHead(TrainerConfig config, double sampleRate, NDManager manager) {
    if (!(sampleRate > 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("the sample rate lies in (0, 1], was " + sampleRate);
    }
    this.classes = config.fcClasses();
    this.sampleRate = sampleRate;
    this.loss = new F2cLoss(config.margin(), config.scale(), config.marginValue());
    this.momentum = config.sgdMomentum();
    this.weightDecay = config.weightDecay();
    this.nesterov = config.nesterov();
    // Seeds the initial centres and every later sample (libtorch's generator).
    Engine.getEngine("PyTorch").setRandomSeed((int) (config.seed() ^ 0x9FCL));
    Shape shape = new Shape(classes, config.embeddingDim());
    this.weights = manager.randomNormal(0f, 0.01f, shape, DataType.FLOAT32);
    this.momentumBuffers = manager.zeros(shape, DataType.FLOAT32);
  }

  /**
   * Rows a step uses for N classes at {@code rate} when the batch has no more distinct labels:
   * floor(rate x N), as Python's {@code int()} rounds it in PartialFC_V2.
   */
  public static long sampleCount(long classes, double rate) {
    return (long) Math.floor(rate * classes);
  }

  /**
   * Samples the step's classes: the distinct labels, then random negatives (never a label) up to
   * {@link #sampleCount}. Negatives are the top of uniform scores over all N with the labels'
   * scores set below the range, as PartialFC_V2 picks them (it raises the positives' instead).
   */
  public Sample sample(long[] labels) {
    long[] positives = Arrays.stream(labels).sorted().distinct().toArray();
    for (long p : positives) {
      if (p < 0 || p >= classes) {
        throw new IllegalArgumentException("label " + p + " is not a class of " + classes);
      }
    }
    NDManager manager = weights.getManager();
    NDArray rows = manager.create(positives);
    long negatives = sampleCount(classes, sampleRate) - positives.length;
    if (negatives > 0) {
      NDArray scores = manager.randomUniform(0f, 1f, new Shape(classes));
      scores.set(new NDIndex("{}", rows), -1f);
      NDArray picked = scores.topK(Math.toIntExact(negatives), 0, true, false).get(1);
      rows = rows.concat(picked);
    }
    long[] targets = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      targets[i] = Arrays.binarySearch(positives, labels[i]);
    }
    NDArray centres = weights.get(new NDIndex("{}", rows));
    centres.setRequiresGradient(true);
    return new Sample(rows, targets, centres);
  }

  /**
   * The mean margin-softmax loss of unit {@code probes} [B, D] over the sampled centres (records on
   * the tape). Divides the dot products by the centres' norms, as {@link FcHead} does.
   */
  public NDArray loss(NDArray probes, Sample sample) {
    NDArray centres = sample.centres();
    NDArray norms = centres.norm(new int[] {1}, false).add(1e-12f).reshape(1, -1);
    NDArray cos = probes.matMul(centres.transpose()).div(norms);
    return loss.positiveLoss(cos, sample.targets());
  }

  /**
   * SGD with momentum on the sampled rows after the backward pass, by {@link SgdOptimizer}'s rule:
   * g = grad + wd w; buf = mu buf + g; step = nesterov ? g + mu buf : buf; w -= lr step. Rows
   * outside the sample and their momentum stay as they are.
   */
  public void update(Sample sample, float learningRate) {
    NDIndex at = new NDIndex("{}", sample.rows());
    NDArray w = sample.centres().stopGradient();
    NDArray g = sample.centres().getGradient();
    if (weightDecay != 0) {
      g.addi(TorchScalars.mul(w, weightDecay));
    }
    NDArray buf = momentumBuffers.get(at).muli(momentum).addi(g);
    momentumBuffers.set(at, buf);
    NDArray step = nesterov ? g.addi(TorchScalars.mul(buf, momentum)) : buf;
    weights.set(at, w.sub(TorchScalars.mul(step, learningRate)));
  }

  /** All N centres [N, D]. */
  NDArray weights() {
    return weights;
  }

  /** The centres' momentum buffers [N, D]. */
  NDArray momentumBuffers() {
    return momentumBuffers;
  }

  @Override
  public void close() {
    weights.close();
    momentumBuffers.close();
  }
}
