package io.f2c.model;

import io.f2c.preprocess.PreprocessSpec;

/**
 * Something that turns preprocessed face images into embeddings: a published model, or raw pixels
 * as a baseline.
 */
public interface FaceEmbedding {
  /** How images must be preprocessed for {@link #embed}. */
  PreprocessSpec input();

  int dim();

  /**
   * Embeddings [count, dim] (row-major) of {@code count} images preprocessed by {@link #input()}.
   */
  float[] embed(float[] images, int count);

  /** The no-training baseline: the preprocessed pixels are the embedding (compared by cosine). */
  static FaceEmbedding rawPixels(PreprocessSpec spec) {
    return new FaceEmbedding() {
      @Override
      public PreprocessSpec input() {
        return spec;
      }

      @Override
      public int dim() {
        return spec.tensorLength();
      }

      @Override
      public float[] embed(float[] images, int count) {
        // Centre each image on its own mean, so cosine compares patterns rather than brightness.
        float[] out = images.clone();
        int d = dim();
        for (int i = 0; i < count; i++) {
          double mean = 0;
          for (int k = 0; k < d; k++) {
            mean += out[i * d + k];
          }
          mean /= d;
          for (int k = 0; k < d; k++) {
            out[i * d + k] -= (float) mean;
          }
        }
        return out;
      }
    };
  }
}
