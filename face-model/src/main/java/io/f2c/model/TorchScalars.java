package io.f2c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a constant whose value lives in libtorch's memory.
 *
 * <p>DJL's {@code x.mul(2f)}, {@code div}, {@code maximum} and {@code minimum} with a number wrap
 * the number in an array backed by a Java direct buffer and close it as soon as the operation
 * returns. libtorch's autograd keeps that array for the backward pass (the gradient of x * s needs
 * s, that of max(x, s) compares with s), but the JVM frees the buffer at its next garbage
 * collection, so a backward pass could read reused memory and apply a wrong update. Used on every
 * path that gradients flow through; an array made here is owned and freed by libtorch.
 */
public final class TorchScalars {
  private TorchScalars() {}

  /** {@code x * value}. */
  public static NDArray mul(NDArray x, float value) {
    return withScalar(x, value, NDArray::mul);
  }

  /** {@code x / value}. */
  public static NDArray div(NDArray x, float value) {
    return withScalar(x, value, NDArray::div);
  }

  /** Element-wise {@code max(x, value)}. */
  public static NDArray maximum(NDArray x, float value) {
    return withScalar(x, value, NDArray::maximum);
  }

  /** Element-wise {@code min(x, value)}. */
  public static NDArray minimum(NDArray x, float value) {
    return withScalar(x, value, NDArray::minimum);
  }

  private static NDArray withScalar(NDArray x, float value, BinaryOperator<NDArray> operation) {
    // Closing the wrapper is safe: autograd holds its own reference to libtorch's storage.
    try (NDArray s = scalar(x, value)) {
      return operation.apply(x, s);
    }
  }

  /** A 0-dimensional float array of {@code value}, allocated by libtorch beside {@code like}. */
  static NDArray scalar(NDArray like, float value) {
    return like.getManager().full(new Shape(), value);
  }
}
