package io.f2c.training;

import io.f2c.preprocess.PreprocessSpec;
import java.util.Arrays;

/**
 * Translation jitter: every training image is moved by (dx, dy), each drawn uniformly from [-N, N]
 * pixels, and the uncovered border is filled with 0 (mid-grey after the normalisation): LFW's faces
 * are centred by a detector, not aligned, so new faces arrive a few pixels off (whether it pays off
 * within a run's length: docs/accuracy.md). Like {@link HorizontalFlip}, the shift follows from
 * (seed, step, position) alone, so a restored trainer shifts exactly what the one it continues
 * would have.
 */
final class RandomShift {
  private static final long SALT = 0x2545F4914F6CDD1DL;

  private RandomShift() {}

  /** {dx, dy} of image {@code position} of step {@code step}, each in [-maxShift, maxShift]. */
  static int[] offsets(long seed, long step, int position, int maxShift) {
    long draw = HorizontalFlip.draw(seed ^ SALT, step, position);
    int choices = 2 * maxShift + 1;
    return new int[] {
      (int) Long.remainderUnsigned(draw & 0xFFFFFFFFL, choices) - maxShift,
      (int) Long.remainderUnsigned(draw >>> 32, choices) - maxShift
    };
  }

  /**
   * Shifts, in place, the {@code count} images of {@code pixels} (CHW each); image i is at position
   * {@code firstPosition + i}.
   */
  static void apply(
      float[] pixels,
      int count,
      PreprocessSpec spec,
      int maxShift,
      long seed,
      long step,
      int firstPosition) {
    if (maxShift == 0) {
      return;
    }
    float[] scratch = new float[spec.tensorLength()];
    for (int i = 0; i < count; i++) {
      int[] d = offsets(seed, step, firstPosition + i, maxShift);
      shift(pixels, i * spec.tensorLength(), spec.channels(), spec.size(), d[0], d[1], scratch);
    }
  }

  /**
   * Moves one CHW image at {@code offset}: the pixel at (row, column) becomes the one at (row + dy,
   * column + dx), 0 where that lies outside the image.
   */
  static void shift(
      float[] pixels, int offset, int channels, int size, int dx, int dy, float[] scratch) {
    int plane = size * size;
    Arrays.fill(scratch, 0, channels * plane, 0f);
    int first = Math.max(0, -dx); // the columns whose source column lies inside the image
    int width = Math.min(size, size - dx) - first;
    for (int c = 0; c < channels && width > 0; c++) {
      for (int row = Math.max(0, -dy); row < Math.min(size, size - dy); row++) {
        int from = offset + c * plane + (row + dy) * size + first + dx;
        System.arraycopy(pixels, from, scratch, c * plane + row * size + first, width);
      }
    }
    System.arraycopy(scratch, 0, pixels, offset, channels * plane);
  }
}
