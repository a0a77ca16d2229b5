package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.preprocess.PreprocessSpec;
import org.junit.jupiter.api.Test;

class RandomShiftTest {
  private static float[] ramp(int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = i + 1;
    }
    return values;
  }

  /** The planes one after another (CHW: channel by channel, image by image). */
  private static float[] planes(float[]... planes) {
    float[] all = new float[planes.length * planes[0].length];
    for (int i = 0; i < planes.length; i++) {
      System.arraycopy(planes[i], 0, all, i * planes[i].length, planes[i].length);
    }
    return all;
  }

  @Test
  void movesEveryChannelAndFillsTheUncoveredBorderWithZero() {
    // One 3x3 channel holding 1..9: (row, column) takes the pixel at (row + dy, column + dx).
    float[] right = ramp(9);
    RandomShift.shift(right, 0, 1, 3, 1, 0, new float[9]);
    assertArrayEquals(new float[] {2, 3, 0, 5, 6, 0, 8, 9, 0}, right);
    float[] down = ramp(9);
    RandomShift.shift(down, 0, 1, 3, 0, -1, new float[9]);
    assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 4, 5, 6}, down);
    // Two channels (1..9 and 10..18) behind two untouched values, dx = -1, dy = 1.
    float[] two = new float[20];
    System.arraycopy(ramp(18), 0, two, 2, 18);
    two[0] = -5;
    two[1] = -6;
    RandomShift.shift(two, 2, 2, 3, -1, 1, new float[18]);
    assertArrayEquals(
        new float[] {-5, -6, 0, 4, 5, 0, 7, 8, 0, 0, 0, 0, 13, 14, 0, 16, 17, 0, 0, 0}, two);
  }

  @Test
  void offsetsCoverTheRangeEvenlyAndDependOnSeedStepAndPositionOnly() {
    int max = 3;
    int[][] counts = new int[2][2 * max + 1];
    int equal = 0;
    int draws = 7_000;
    for (int position = 0; position < draws; position++) {
      int[] d = RandomShift.offsets(11, 5, position, max);
      assertArrayEquals(d, RandomShift.offsets(11, 5, position, max), "the same draw again");
      counts[0][d[0] + max]++;
      counts[1][d[1] + max]++;
      equal += d[0] == d[1] ? 1 : 0;
    }
    for (int axis = 0; axis < 2; axis++) {
      for (int value = 0; value <= 2 * max; value++) {
        int n = counts[axis][value];
        assertTrue(n > 850 && n < 1150, "offset " + (value - max) + " drawn " + n + " of 7000");
      }
    }
    assertTrue(equal > 800 && equal < 1200, "dx == dy in " + equal + " of 7000: axes independent");
    int sameWithOtherSeed = 0;
    for (int position = 0; position < 100; position++) {
      int[] a = RandomShift.offsets(11, 5, position, max);
      int[] b = RandomShift.offsets(12, 5, position, max);
      int[] c = RandomShift.offsets(11, 6, position, max);
      sameWithOtherSeed += a[0] == b[0] && a[1] == b[1] ? 1 : 0;
      sameWithOtherSeed += a[0] == c[0] && a[1] == c[1] ? 1 : 0;
    }
    assertTrue(sameWithOtherSeed < 20, sameWithOtherSeed + " of 200 unchanged by seed or step");
  }

  @Test
  void appliesEachImagesOwnOffsetsAndNothingWithoutAShift() {
    // Two RGB 3x3 images (CHW): image 0 holds 1..27, image 1 holds 28..54.
    PreprocessSpec spec = PreprocessSpec.of(3, 3, 1.0);
    float[] pixels = ramp(54);
    RandomShift.apply(pixels, 2, spec, 0, 3, 1, 3);
    assertArrayEquals(ramp(54), pixels, "shift 0 changes nothing");
    // Seed 3, step 1, at most 1 pixel; the images sit at positions 3 and 4 of the step. The draws
    // (SplitMix64's finaliser as documented in HorizontalFlip.draw, worked out outside this code):
    // position 3 gets dx = 1, dy = -1; position 4 gets dx = -1, dy = 1. Pixel (row, column) takes
    // the one at (row + dy, column + dx), 0 where that lies outside.
    RandomShift.apply(pixels, 2, spec, 1, 3, 1, 3);
    // Image 0 (dx = 1, dy = -1): row 0 is new, rows 1 and 2 are rows 0 and 1 moved one column
    // left. Image 1 (dx = -1, dy = 1): rows 0 and 1 are rows 1 and 2 moved one column right, row 2
    // is new. One 3x3 plane per line: image 0's channels 0, 1, 2, then image 1's.
    float[] expected =
        planes(
            new float[] {0, 0, 0, 2, 3, 0, 5, 6, 0},
            new float[] {0, 0, 0, 11, 12, 0, 14, 15, 0},
            new float[] {0, 0, 0, 20, 21, 0, 23, 24, 0},
            new float[] {0, 31, 32, 0, 34, 35, 0, 0, 0},
            new float[] {0, 40, 41, 0, 43, 44, 0, 0, 0},
            new float[] {0, 49, 50, 0, 52, 53, 0, 0, 0});
    assertArrayEquals(expected, pixels);
    // The same offsets, named: a failure above that also fails here is a change of the draw.
    assertArrayEquals(new int[] {1, -1}, RandomShift.offsets(3, 1, 3, 1), "position 3");
    assertArrayEquals(new int[] {-1, 1}, RandomShift.offsets(3, 1, 4, 1), "position 4");
  }
}
