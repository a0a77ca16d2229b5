package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an array's own memory.
 *
 * <p>DJL's {@code NDArray.set(float[])} does not copy on the CPU: it swaps the tensor's storage for
 * the Java direct buffer holding the values. That buffer comes from malloc (16-byte aligned, at an
 * address that depends on the heap's history) where libtorch's allocator aligns to 64 bytes. A
 * restored trainer then computed on state laid out unlike the trainer it continues, and Intel MKL
 * documents results that may differ with the alignment of its inputs. Copying into the existing
 * storage keeps every state array where libtorch put it, so restoring changes values only.
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
