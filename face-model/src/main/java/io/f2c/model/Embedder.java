package io.f2c.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;

/**
 * Loads a published model ({@link ModelBlob}) and embeds preprocessed images with it in inference
 * mode. Subscribers swap one Embedder for another when a new version arrives. Thread-safe
 * (embedding is serialized).
 *
 * <p>A model published with test-time flips embeds an image as the normalised sum of the embeddings
 * of the image and of its mirror, so an image and its mirror get the same embedding; {@link
 * #testTimeFlip(boolean)} overrides that (for comparisons).
 */
public final class Embedder implements AutoCloseable, FaceEmbedding {
  private final ModelBlob.Header header;
  private final NDManager manager;
  private final Block net;
  private final ParameterStore store;
  private boolean testTimeFlip;

  private Embedder(ModelBlob.Header header, NDManager manager, Block net) {
    this.header = header;
    this.manager = manager;
    this.net = net;
    this.store = new ParameterStore(manager, false);
    this.testTimeFlip = header.testTimeFlip();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a model this version can read
   */
  public static Embedder load(byte[] blob) {
    NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      ModelBlob.Loaded loaded = ModelBlob.read(blob, manager);
      return new Embedder(loaded.header(), manager, loaded.net());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  @Override
  public PreprocessSpec input() {
    return header.input();
  }

  public int embeddingDim() {
    return header.embeddingDim();
  }

  @Override
  public int dim() {
    return header.embeddingDim();
  }

  public Backbone architecture() {
    return header.architecture();
  }

  /** Whether {@link #embed} adds the embedding of each image's mirror. */
  public synchronized boolean testTimeFlip() {
    return testTimeFlip;
  }

  /** Embeds with or without the mirror, whatever the model says; returns this embedder. */
  public synchronized Embedder testTimeFlip(boolean on) {
    testTimeFlip = on;
    return this;
  }

  /**
   * Embeddings [count, D] (row-major, L2-normalised) of {@code count} images preprocessed by {@link
   * #input()}.
   */
  @Override
  public synchronized float[] embed(float[] images, int count) {
    PreprocessSpec spec = header.input();
    if (images.length != count * spec.tensorLength()) {
      throw new IllegalArgumentException(
          "expected " + count + " images of " + spec.tensorLength() + " floats");
    }
    JniUtils.setGradMode(false); // per thread; see F2cTrainer
    try (NDScope scope = new NDScope()) {
      var x = manager.create(images, new Shape(count, spec.channels(), spec.size(), spec.size()));
      NDArray embedding = forward(x);
      if (testTimeFlip) {
        // Inference-mode BatchNorm uses its running statistics, so the mirrors could share the
        // batch; separate passes keep each pass's batch as large as the caller's.
        NDArray sum = embedding.add(forward(x.flip(3)));
        embedding = sum.div(sum.norm(new int[] {1}, true).maximum(1e-12f));
      }
      return embedding.toFloatArray();
    }
  }

  private NDArray forward(NDArray images) {
    return net.forward(store, new NDList(images), false).singletonOrThrow();
  }

  @Override
  public void close() {
    manager.close();
  }
}
