package io.f2c.recognition;

/** A template from row-major embeddings (scores are {@code Verification.cosine}). */
final class Vectors {
  private Vectors() {}

  /** The mean of the rows of {@code rows} [n, dim], scaled to unit length. */
  static float[] normalisedMean(float[] rows, int dim) {
    int n = rows.length / dim;
    double[] sum = new double[dim];
    for (int r = 0; r < n; r++) {
      for (int d = 0; d < dim; d++) {
        sum[d] += rows[r * dim + d];
      }
    }
    double norm = 0;
    for (double v : sum) {
      norm += v * v;
    }
    norm = Math.sqrt(Math.max(norm, 1e-24));
    float[] mean = new float[dim];
    for (int d = 0; d < dim; d++) {
      mean[d] = (float) (sum[d] / norm);
    }
    return mean;
  }
}
