package io.f2c.job.calibration;

import io.f2c.job.ingest.DecodedFace;
import io.f2c.model.Embedder;
import io.f2c.preprocess.PreprocessSpec;
import java.util.List;

/** Embeds kept faces with one model version, in small batches. */
final class FaceBatchEmbedding {
  private static final int BATCH = 32;

  private FaceBatchEmbedding() {}

  /** The embeddings of {@code faces}, row-major [faces, dim]. */
  static float[] embed(Embedder embedder, PreprocessSpec spec, List<DecodedFace> faces) {
    int length = spec.tensorLength();
    float[] embeddings = new float[faces.size() * embedder.dim()];
    for (int from = 0; from < faces.size(); from += BATCH) {
      int count = Math.min(BATCH, faces.size() - from);
      float[] images = new float[count * length];
      for (int i = 0; i < count; i++) {
        spec.normalize(faces.get(from + i).pixels, images, i * length);
      }
      float[] batch = embedder.embed(images, count);
      System.arraycopy(batch, 0, embeddings, from * embedder.dim(), batch.length);
    }
    return embeddings;
  }

  /** The identity of each face, in order. */
  static String[] labels(List<DecodedFace> faces) {
    return faces.stream().map(f -> f.identityId).toArray(String[]::new);
  }
}
