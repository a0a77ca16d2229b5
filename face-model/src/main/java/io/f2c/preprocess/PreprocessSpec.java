package io.f2c.preprocess;

import io.f2c.schema.InputSpec;
import java.io.Serializable;

/**
 * How an image becomes a network input: central square crop (a fraction of the shorter side),
 * resize to {@code size x size}, {@code channels} (1 grey, 3 RGB), then (x - normMean) / normScale.
 * Training, subscribers and evaluation all use this one description (it travels with every
 * published model as {@link InputSpec}).
 */
public record PreprocessSpec(
    int size, int channels, float cropFraction, float normMean, float normScale)
    implements Serializable {

  /** The usual face normalisation, (x - 127.5) / 128. */
  public static final float FACE_MEAN = 127.5f;

  public static final float FACE_SCALE = 128f;

  public PreprocessSpec {
    if (size <= 0) {
      throw new IllegalArgumentException("input size must be positive, was " + size);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
    }
    if (!(cropFraction > 0 && cropFraction <= 1)) {
      throw new IllegalArgumentException("crop fraction must be in (0, 1], was " + cropFraction);
    }
  }

  public static PreprocessSpec of(int size, int channels, double cropFraction) {
    return new PreprocessSpec(size, channels, (float) cropFraction, FACE_MEAN, FACE_SCALE);
  }

  public static PreprocessSpec from(InputSpec spec) {
    return new PreprocessSpec(
        spec.getSize(),
        spec.getChannels(),
        spec.getCropFraction(),
        spec.getNormMean(),
        spec.getNormScale());
  }

  public InputSpec toInputSpec() {
    return new InputSpec(size, channels, cropFraction, normMean, normScale);
  }

  /** (x - normMean) / normScale of 8-bit CHW values, into {@code out} from {@code offset}. */
  public void normalize(byte[] pixels, float[] out, int offset) {
    for (int i = 0; i < pixels.length; i++) {
      out[offset + i] = ((pixels[i] & 0xff) - normMean) / normScale;
    }
  }

  public float[] normalize(byte[] pixels) {
    float[] out = new float[pixels.length];
    normalize(pixels, out, 0);
    return out;
  }

  /** Number of floats of one preprocessed image (CHW). */
  public int tensorLength() {
    return channels * size * size;
  }
}
