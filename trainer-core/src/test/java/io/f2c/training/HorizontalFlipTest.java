package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.preprocess.PreprocessSpec;
import org.junit.jupiter.api.Test;

class HorizontalFlipTest {
  private static final PreprocessSpec SPEC = PreprocessSpec.of(4, 3, 1.0);
  private static final int LENGTH = 3 * 4 * 4;

  @Test
  void mirrorsEachRowOfEachChannelOfThePickedImagesOnly() {
    // Two RGB 4x4 images (CHW), value = 100 * image + 16 * channel + 4 * row + column.
    float[] pixels = new float[2 * LENGTH];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = 100 * (i / LENGTH) + (i % LENGTH);
    }
    long seed = 3;
    long step = 0;
    while (!(HorizontalFlip.mirrored(seed, step, 10) && !HorizontalFlip.mirrored(seed, step, 11))) {
      step++;
    }
    HorizontalFlip.apply(pixels, 2, SPEC, seed, step, 10);
    for (int c = 0; c < 3; c++) {
      for (int r = 0; r < 4; r++) {
        for (int col = 0; col < 4; col++) {
          int at = 16 * c + 4 * r + col;
          assertEquals(16 * c + 4 * r + (3 - col), pixels[at], "image 0 mirrored at " + at);
          assertEquals(100 + at, pixels[LENGTH + at], "image 1 untouched at " + at);
        }
      }
    }
  }

  @Test
  void aboutHalfAreMirroredAndTheChoiceDependsOnSeedStepAndPositionOnly() {
    int mirrored = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      mirrored += HorizontalFlip.mirrored(42, i / 64, i % 64) ? 1 : 0;
    }
    assertTrue(Math.abs(mirrored - n / 2) < 4 * Math.sqrt(n / 4.0), mirrored + " of " + n);
    float[] a = new float[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      a[i] = i;
    }
    float[] b = a.clone();
    long step = 0;
    while (!HorizontalFlip.mirrored(7, step, 5)) {
      step++;
    }
    HorizontalFlip.apply(a, 1, SPEC, 7, step, 5);
    HorizontalFlip.apply(b, 1, SPEC, 7, step, 5);
    assertArrayEquals(a, b, "the same inputs mirror the same way");
    HorizontalFlip.apply(a, 1, SPEC, 7, step, 5);
    for (int i = 0; i < LENGTH; i++) {
      assertEquals(i, a[i], "mirroring twice restores the image");
    }
    // Each of seed, step and position changes the choice: about half of 256 choices differ (an
    // input the draw ignored would change none; 96..160 is 4 standard deviations either side).
    int otherSeed = 0;
    int otherStep = 0;
    int otherPosition = 0;
    int stepForPosition = 0;
    for (int i = 0; i < 256; i++) {
      boolean choice = HorizontalFlip.mirrored(42, 3, i);
      otherSeed += choice != HorizontalFlip.mirrored(43, 3, i) ? 1 : 0;
      otherStep += choice != HorizontalFlip.mirrored(42, 4, i) ? 1 : 0;
      otherPosition +=
          HorizontalFlip.mirrored(42, i, 5) != HorizontalFlip.mirrored(42, i, 6) ? 1 : 0;
      // Step and position are not interchangeable: (i, 6) and (i + 1, 5) are different images.
      stepForPosition +=
          HorizontalFlip.mirrored(42, i, 6) != HorizontalFlip.mirrored(42, i + 1, 5) ? 1 : 0;
    }
    assertAboutHalf(otherSeed, "seed 42 vs 43");
    assertAboutHalf(otherStep, "step 3 vs 4");
    assertAboutHalf(otherPosition, "position 5 vs 6");
    assertAboutHalf(stepForPosition, "(step, position + 1) vs (step + 1, position)");
  }

  private static void assertAboutHalf(int differing, String what) {
    assertTrue(differing > 96 && differing < 160, what + ": " + differing + " of 256 differ");
  }
}
