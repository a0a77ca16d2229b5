package io.f2c.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.TestModels;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Flip test-time augmentation, and the model formats the embedder reads. */
public class EmbedderTest {
  private static final PreprocessSpec SPEC = TestModels.SPEC;

  @Test
  void testTimeFlipEmbedsTheNormalisedSumOfImageAndMirror() {
    float[] images = randomImages(3, 7);
    float[] mirrors = mirror(images, 3);
    try (Embedder embedder = Embedder.load(TestModels.blob(11, true))) {
      assertTrue(embedder.testTimeFlip(), "the model says so");
      float[] flipped = embedder.embed(images, 3);
      float[] ofMirrors = embedder.embed(mirrors, 3);

      embedder.testTimeFlip(false);
      float[] plain = embedder.embed(images, 3);
      float[] plainMirrors = embedder.embed(mirrors, 3);
      assertFalse(close(plain, plainMirrors, 1e-3f), "without flips a mirror embeds differently");

      int d = embedder.dim();
      float[] expected = new float[plain.length];
      for (int i = 0; i < 3; i++) {
        double norm = 0;
        for (int k = 0; k < d; k++) {
          double sum = plain[i * d + k] + plainMirrors[i * d + k];
          norm += sum * sum;
        }
        for (int k = 0; k < d; k++) {
          expected[i * d + k] =
              (float) ((plain[i * d + k] + plainMirrors[i * d + k]) / Math.sqrt(norm));
        }
      }
      assertArrayEquals(expected, flipped, 1e-5f);
      assertArrayEquals(flipped, ofMirrors, 1e-5f, "an image and its mirror embed alike");
    }
  }

  @Test
  void modelsWithoutTheFlagEmbedWithoutFlips() {
    try (Embedder embedder = Embedder.load(TestModels.blob(11, false))) {
      assertFalse(embedder.testTimeFlip());
    }
  }

  @Test
  void formatOneModelsStillLoadAsModelsWithoutFlips() {
    byte[] v2 = TestModels.blob(5, false);
    byte[] v1 = formatOne(v2);
    float[] images = randomImages(2, 3);
    try (Embedder old = Embedder.load(v1);
        Embedder current = Embedder.load(v2)) {
      assertFalse(old.testTimeFlip());
      assertEquals(SPEC, old.input());
      assertArrayEquals(current.embed(images, 2), old.embed(images, 2), 0f);
    }
  }

  @Test
  void aNewerFormatIsRefusedByName() {
    byte[] blob = TestModels.blob(5, false);
    ByteBuffer.wrap(blob).putInt(4, ModelBlob.VERSION + 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Embedder.load(blob));
    assertTrue(e.getMessage().contains("model format v3 is not supported"), e.getMessage());
  }

  /** The same model as format 1 wrote it: version 1 and no flag byte after the input spec. */
  private static byte[] formatOne(byte[] v2) {
    int flagAt = 4 + 4 + 2 + Backbone.SMALL_CNN.id().length() + 4 + 5 * 4;
    assertEquals(0, v2[flagAt], "the flag byte of a model without flips");
    byte[] v1 = new byte[v2.length - 1];
    System.arraycopy(v2, 0, v1, 0, flagAt);
    System.arraycopy(v2, flagAt + 1, v1, flagAt, v2.length - flagAt - 1);
    ByteBuffer.wrap(v1).putInt(4, 1);
    return v1;
  }

  private static float[] randomImages(int count, long seed) {
    Random random = new Random(seed);
    float[] images = new float[count * SPEC.tensorLength()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    return images;
  }

  /** Each CHW image mirrored left to right. */
  private static float[] mirror(float[] images, int count) {
    int s = SPEC.size();
    float[] out = new float[images.length];
    for (int n = 0; n < count; n++) {
      for (int c = 0; c < SPEC.channels(); c++) {
        for (int y = 0; y < s; y++) {
          int row = ((n * SPEC.channels() + c) * s + y) * s;
          for (int x = 0; x < s; x++) {
            out[row + x] = images[row + s - 1 - x];
          }
        }
      }
    }
    return out;
  }

  private static boolean close(float[] a, float[] b, float tolerance) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > tolerance) {
        return false;
      }
    }
    return true;
  }
}
