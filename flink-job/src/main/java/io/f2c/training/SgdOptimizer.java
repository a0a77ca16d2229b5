package io.f2c.training;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum, optional Nesterov, and weight decay, as PyTorch defines it:
 * g = grad + wd w; buf = mu buf + g; step = nesterov ? g + mu buf : buf; w -= lr step.
 *
 * <p>Written here rather than taken from DJL because the momentum buffers are part of the trainer's snapshot (DJL's
 * optimizers keep them out of reach). Updates are in place; temporaries die with the caller's NDScope.
 */
public final class SgdOptimizer {
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

  /** Adds parameters to optimize; their momentum buffers start at zero in the parameter's manager. */
  public void register(List<NDArray> trainable) {
    for (NDArray p : trainable) {
      params.add(p);
      buffers.add(p.zerosLike());
    }
  }

  public List<NDArray> buffers() {
    return buffers;
  }

  /** Sets every parameter's gradient to zero (DJL accumulates gradients across collectors). */
  public void zeroGradients() {
    for (NDArray p : params) {
      NDArray grad = p.getGradient();
      grad.subi(grad);
    }
  }

  public void step(float learningRate) {
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i);
      NDArray g = w.getGradient();
      if (weightDecay != 0) {
        g = g.add(w.mul(weightDecay));
      }
      NDArray buf = buffers.get(i);
      buf.muli(momentum).addi(g);
      NDArray update = nesterov ? g.add(buf.mul(momentum)) : buf;
      w.subi(update.mul(learningRate));
    }
  }
}
