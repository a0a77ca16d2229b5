package io.f2c.model;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Loads a published model ({@link ModelBlob}) and embeds preprocessed images with it in inference
 * mode. Subscribers swap one Embedder for another when a new version arrives. Thread-safe
 * (embedding is serialized).
 */
public final class Embedder implements AutoCloseable, FaceEmbedding {
  private final ModelBlob.Header header;
  private final NDManager manager;
  private final Block net;
  private final ParameterStore store;

  private Embedder(ModelBlob.Header header, NDManager manager, Block net) {
    this.header = header;
    this.manager = manager;
    this.net = net;
    this.store = new ParameterStore(manager, false);
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a model this version can read
   */
  public static Embedder load(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      ModelBlob.Header header = ModelBlob.readHeader(in);
      PreprocessSpec spec = header.input();
      NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
      try {
        Block net = header.architecture().create(header.embeddingDim(), spec.size());
        net.initialize(
            manager, DataType.FLOAT32, new Shape(1, spec.channels(), spec.size(), spec.size()));
        ModelBlob.readParameters(net, manager, in);
        return new Embedder(header, manager, net);
      } catch (IOException | RuntimeException e) {
        manager.close();
        throw e;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot load model: " + e.getMessage(), e);
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
      return net.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
