package io.f2c.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.f2c.model.TorchScalars;
import java.util.Arrays;

/**
 * PReLU with one learned slope per channel (as PyTorch's nn.PReLU(C) and MobileFaceNet use it): y =
 * max(0, x) + alpha_c min(0, x). DJL's own Prelu has no PyTorch-engine kernel, hence this block.
 */
public final class ChannelPrelu extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Parameter alpha;

  public ChannelPrelu() {
    super(VERSION);
    alpha =
        addParameter(
            Parameter.builder()
                .setName("slope")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new ConstantInitializer(0.25f))
                .build());
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    alpha.setShape(new Shape(inputShapes[0].get(1)));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray slope = store.getValue(alpha, x.getDevice(), training);
    long[] shape = new long[x.getShape().dimension()];
    Arrays.fill(shape, 1);
    shape[1] = slope.getShape().get(0);
    return new NDList(
        TorchScalars.maximum(x, 0f).add(TorchScalars.minimum(x, 0f).mul(slope.reshape(shape))));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
