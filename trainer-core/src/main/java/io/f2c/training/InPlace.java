package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an array's own memory.
 *
 * <p>DJL's {@code NDArray.set(float[])} does not copy on the CPU: it swaps the tensor's storage for
 * the Java direct buffer holding the values, memory that the JVM's garbage collector frees (not
 * libtorch) at an address and alignment that depend on the heap's history. Copying into the
 * existing storage keeps the trainer's state in memory that libtorch allocated and owns, laid out
 * as in the trainer it continues, so restoring changes values only.
 */
final class InPlace {
  private static final NDIndex EVERYTHING = new NDIndex("...");

  private InPlace() {}

  /** Copies {@code values} (row-major, as many as the array holds) into {@code target}. */
  static void copy(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new IllegalArgumentException(
          "array of " + target.getShape() + " cannot take " + values.length + " values");
    }
    try (NDArray source = target.getManager().create(values, target.getShape())) {
      target.set(EVERYTHING, source);
    }
  }
}
