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
    PreprocessSpec spec = PreprocessSpec.of(4, 3, 1.0);
    int length = spec.tensorLength();
    float[] pixels = ramp(3 * length);
    RandomShift.apply(pixels, 3, spec, 0, 9, 4, 20);
    assertArrayEquals(ramp(3 * length), pixels, "shift 0 changes nothing");
    RandomShift.apply(pixels, 3, spec, 1, 9, 4, 20);
    float[] expected = ramp(3 * length);
    for (int i = 0; i < 3; i++) {
      int[] d = RandomShift.offsets(9, 4, 20 + i, 1);
      RandomShift.shift(expected, i * length, 3, 4, d[0], d[1], new float[length]);
    }
    assertArrayEquals(expected, pixels);
    int moved = 0;
    for (int i = 0; i < 3 * length; i++) {
      moved += pixels[i] == i + 1 ? 0 : 1;
    }
    assertTrue(moved > 0, "some image moved");
  }
}
