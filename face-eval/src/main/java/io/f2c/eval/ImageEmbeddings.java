package io.f2c.eval;

import io.f2c.model.FaceEmbedding;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeddings of image files, each file read, preprocessed (the training path) and embedded once, in
 * batches.
 */
public final class ImageEmbeddings {
  private static final int BATCH = 64;

  private final Map<Path, Integer> rowOf = new HashMap<>();
  private final float[] rows;
  private final int dim;

  private ImageEmbeddings(float[] rows, int dim) {
    this.rows = rows;
    this.dim = dim;
  }

  /**
   * @throws IllegalArgumentException naming a file that is missing or cannot be decoded
   */
  public static ImageEmbeddings of(List<Path> files, FaceEmbedding embedding) throws IOException {
    List<Path> distinct = files.stream().distinct().toList();
    PreprocessSpec spec = embedding.input();
    ImageDecoder decoder = new ImageDecoder(spec, 1L << 26, 1 << 26);
    int length = spec.tensorLength();
    ImageEmbeddings result =
        new ImageEmbeddings(new float[distinct.size() * embedding.dim()], embedding.dim());
    for (int start = 0; start < distinct.size(); start += BATCH) {
      int count = Math.min(BATCH, distinct.size() - start);
      float[] pixels = new float[count * length];
      for (int i = 0; i < count; i++) {
        Path file = distinct.get(start + i);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(
              "image " + file + " does not exist (is --images the right folder?)");
        }
        try {
          decoder.networkInput(
              Files.readAllBytes(file), ImageDecoder.formatOf(file), pixels, i * length);
        } catch (ImageRejectedException e) {
          throw new IllegalArgumentException("image " + file + ": " + e.getMessage(), e);
        }
        result.rowOf.put(file, start + i);
      }
      System.arraycopy(
          embedding.embed(pixels, count), 0, result.rows, start * result.dim, count * result.dim);
    }
    return result;
  }

  /** Cosine similarity of two embedded files. */
  public double cosine(Path a, Path b) {
    return Verification.cosine(rows, rowOf.get(a), rows, rowOf.get(b), dim);
  }

  /** Cosine similarity of file {@code a} here and file {@code b} in {@code other}. */
  public double cosine(Path a, ImageEmbeddings other, Path b) {
    return Verification.cosine(rows, rowOf.get(a), other.rows, other.rowOf.get(b), dim);
  }

  /** The embeddings of {@code files}, row-major, in the given order. */
  public float[] rowsOf(List<Path> files) {
    float[] out = new float[files.size() * dim];
    for (int i = 0; i < files.size(); i++) {
      System.arraycopy(rows, rowOf.get(files.get(i)) * dim, out, i * dim, dim);
    }
    return out;
  }

  public int dim() {
    return dim;
  }
}
