package io.f2c.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.f2c.model.ModelBlob;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;

/** Real model files of a tiny network, for tests of what reads them. */
public final class TestModels {
  /** 16 px RGB. */
  public static final PreprocessSpec SPEC = PreprocessSpec.of(16, 3, 1.0);

  public static final int DIM = 16;

  private TestModels() {}

  /**
   * A small-cnn at {@link #SPEC} with D = {@link #DIM}, freshly initialised; each seed gives other
   * weights.
   */
  public static byte[] blob(long seed) {
    return blob(seed, false);
  }

  /** The same, published with or without test-time flips. */
  public static byte[] blob(long seed, boolean testTimeFlip) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed((int) seed);
      Block net = Backbone.SMALL_CNN.create(DIM, SPEC.size());
      net.initialize(
          manager, DataType.FLOAT32, new Shape(2, SPEC.channels(), SPEC.size(), SPEC.size()));
      return ModelBlob.write(Backbone.SMALL_CNN, DIM, SPEC, testTimeFlip, net);
    }
  }
}
