package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records gradients on this thread, as DJL's gradient collector does, without its one-per-JVM guard
 * (a static flag): K trainers in one TaskManager each train on their own thread, and PyTorch's
 * autograd switch is per thread.
 */
final class ThreadGradients implements AutoCloseable {
  private final boolean wasOn;

  ThreadGradients() {
    wasOn = JniUtils.isGradMode();
    if (!wasOn) {
      JniUtils.setGradMode(true);
    }
  }

  /** Back-propagates {@code target} (gradient one everywhere) into the arrays that need it. */
  void backward(NDArray target) {
    try (NDArray ones = target.onesLike()) {
      JniUtils.backward((PtNDArray) target, (PtNDArray) ones, false, false);
    }
  }

  @Override
  public void close() {
    if (!wasOn) {
      JniUtils.setGradMode(false);
    }
  }
}
