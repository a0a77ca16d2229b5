package io.f2c.recognition;

import io.f2c.model.Embedder;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One installed model version: its embedder, the decoder for its own preprocessing and its
 * threshold. Reference-counted: the recognizer holds one reference while the version is current,
 * each request one while it runs; the embedder is closed when the last one is released, so a swap
 * never closes it under a running request.
 */
final class LoadedModel {
  /** Images per forward pass when many are embedded (enrolment, re-embedding). */
  private static final int BATCH = 32;

  private final ModelRelease release;
  private final Embedder embedder;
  private final ImageDecoder decoder;
  private final Threshold threshold;
  private final ModelRef ref;
  private final AtomicInteger references = new AtomicInteger(1);
  private volatile Instant installedAt;
  private volatile long reembedMillis;

  private LoadedModel(ModelRelease release, Embedder embedder, RecognizerSettings settings) {
    this.release = release;
    this.embedder = embedder;
    // The model's own preprocessing (from its blob's header), with the service's size limits.
    this.decoder =
        new ImageDecoder(embedder.input(), settings.maxImagePixels(), settings.maxImageBytes());
    this.threshold = Threshold.of(release.verificationThreshold(), settings.fallbackThreshold());
    this.ref = new ModelRef(release.modelName(), release.version());
  }

  /**
   * Loads the version's blob (the embedder adds mirrors where the model says so).
   *
   * @throws IllegalArgumentException when the blob is no model this code can read
   */
  static LoadedModel load(ModelRelease release, RecognizerSettings settings) {
    return new LoadedModel(release, Embedder.load(release.blob()), settings);
  }

  ModelRelease modelRelease() {
    return release;
  }

  ModelRef ref() {
    return ref;
  }

  Threshold threshold() {
    return threshold;
  }

  Embedder embedder() {
    return embedder;
  }

  PreprocessSpec input() {
    return embedder.input();
  }

  int dim() {
    return embedder.embeddingDim();
  }

  Instant installedAt() {
    return installedAt;
  }

  long reembedMillis() {
    return reembedMillis;
  }

  void installed(Instant at, long reembedMillis) {
    this.installedAt = at;
    this.reembedMillis = reembedMillis;
  }

  /** Takes a reference; false when the model was already closed (the caller reads anew). */
  boolean retain() {
    for (; ; ) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one closes the embedder. */
  void release() {
    if (references.decrementAndGet() == 0) {
      embedder.close();
    }
  }

  /** Whether the embedder was closed (for tests). */
  boolean closed() {
    return references.get() == 0;
  }

  /**
   * Embeddings [n, dim] (L2-normalised rows) of {@code images}, decoded with this version's
   * preprocessing, in batches.
   *
   * @throws RecognitionException of kind BAD_IMAGE naming the first image that cannot be used
   */
  float[] embed(List<EncodedImage> images) {
    int length = input().tensorLength();
    int dim = dim();
    float[] out = new float[images.size() * dim];
    for (int start = 0; start < images.size(); start += BATCH) {
      int count = Math.min(BATCH, images.size() - start);
      float[] pixels = new float[count * length];
      for (int i = 0; i < count; i++) {
        EncodedImage image = images.get(start + i);
        try {
          decoder.networkInput(image.bytes(), image.format(), pixels, i * length);
        } catch (ImageRejectedException e) {
          throw RecognitionException.badImage(start + i, e.reason(), e.getMessage(), e);
        }
      }
      System.arraycopy(embedder.embed(pixels, count), 0, out, start * dim, count * dim);
    }
    return out;
  }
}
