package io.f2c.training;

import io.f2c.preprocess.PreprocessSpec;

/**
 * The authors' augmentation: every training image (both halves, each copy of a pair on its own) is
 * mirrored left to right with probability 1/2. Whether an image is mirrored follows from (seed,
 * step, position in the step's [x; y]) alone, not from a random generator's state, so a trainer
 * restored from a snapshot mirrors exactly what the one it continues would have.
 */
final class HorizontalFlip {
  private HorizontalFlip() {}

  /** Whether image {@code position} of step {@code step} is mirrored. */
  static boolean mirrored(long seed, long step, int position) {
    return (draw(seed ^ 0x5DEECE66DL, step, position) & 1L) == 1L;
  }

  /**
   * 64 well-mixed bits that depend on (seed, step, position) only: the augmentations' dice, which a
   * restored trainer rolls exactly as the one it continues.
   */
  static long draw(long seed, long step, int position) {
    return mix(mix(seed) + step * 0x9E3779B97F4A7C15L + position);
  }

  /**
   * Mirrors, in place, the images of {@code pixels} (CHW each, {@code count} of them) that {@link
   * #mirrored} picks; image i is at position {@code firstPosition + i}.
   */
  static void apply(
      float[] pixels, int count, PreprocessSpec spec, long seed, long step, int firstPosition) {
    int size = spec.size();
    int imageLength = spec.tensorLength();
    for (int i = 0; i < count; i++) {
      if (!mirrored(seed, step, firstPosition + i)) {
        continue;
      }
      for (int row = i * imageLength; row < (i + 1) * imageLength; row += size) {
        for (int left = row, right = row + size - 1; left < right; left++, right--) {
          float t = pixels[left];
          pixels[left] = pixels[right];
          pixels[right] = t;
        }
      }
    }
  }

  /** SplitMix64's finaliser: every input bit reaches every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
