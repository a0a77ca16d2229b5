package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum, optional Nesterov, and weight decay, as PyTorch defines it: g = grad + wd w;
 * buf = mu buf + g; step = nesterov ? g + mu buf : buf; w -= lr step.
 *
 * <p>Written here rather than taken from DJL because the momentum buffers are part of the trainer's
 * snapshot (DJL's optimizers keep them out of reach).
 */
public final class SgdOptimizer {
  private static final NDIndex EVERYTHING = new NDIndex("...");

  private final float momentum;
  private final float weightDecay;
  private final boolean nesterov;
  private final List<NDArray> params = new ArrayList<>();
  private final List<NDArray> buffers = new ArrayList<>();

  public SgdOptimizer(float momentum, float weightDecay, boolean nesterov) {
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
  }

  /**
   * Adds parameters to optimize; their momentum buffers start at zero in the parameter's manager.
   */
  public void register(List<NDArray> trainable) {
    for (NDArray p : trainable) {
      params.add(p);
      buffers.add(p.zerosLike());
    }
  }

  public List<NDArray> buffers() {
    return buffers;
  }

  /**
   * Sets every parameter's gradient to zero (DJL accumulates gradients across collectors). The
   * gradient is overwritten, not subtracted from itself: after a skipped non-finite step, NaN - NaN
   * would stay NaN and spoil every later step.
   */
  public void zeroGradients() {
    for (NDArray p : params) {
      try (NDArray grad = p.getGradient()) {
        grad.set(EVERYTHING, 0f);
      }
    }
  }

  /**
   * Global gradient-norm guard before an update: scales the gradients down to {@code maxNorm} when
   * their joint L2 norm exceeds it, and reports false (the caller skips the update) when it is not
   * finite. One exploding or NaN step would otherwise spoil a model that trains for ever.
   */
  public boolean clipGradients(float maxNorm) {
    double sumSquares = 0;
    for (NDArray p : params) {
      try (NDArray g = p.getGradient();
          NDArray sq = g.square();
          NDArray total = sq.sum()) {
        sumSquares += total.getFloat();
      }
    }
    double norm = Math.sqrt(sumSquares);
    if (!Double.isFinite(norm)) {
      return false;
    }
    if (norm > maxNorm) {
      float factor = (float) (maxNorm / norm);
      for (NDArray p : params) {
        try (NDArray g = p.getGradient()) {
          g.muli(factor);
        }
      }
    }
    return true;
  }

  /**
   * One update. Works in place on the gradients (they are zeroed before the next step anyway) and
   * frees each temporary at once, so an N x D parameter never needs more than one extra N x D
   * buffer.
   */
  public void step(float learningRate) {
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i);
      NDArray g = w.getGradient();
      if (weightDecay != 0) {
        try (NDArray decay = w.mul(weightDecay)) {
          g.addi(decay);
        }
      }
      NDArray buf = buffers.get(i);
      buf.muli(momentum).addi(g);
      if (nesterov) {
        try (NDArray look = buf.mul(momentum)) {
          g.addi(look);
        }
      } else {
        g.subi(g).addi(buf);
      }
      w.subi(g.muli(learningRate));
    }
  }
}
