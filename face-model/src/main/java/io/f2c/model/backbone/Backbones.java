package io.f2c.model.backbone;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/** The layers the backbones are built from; {@link Backbone} names the architectures. */
final class Backbones {
  private Backbones() {}

  static Block smallCnn(int embeddingDim, int inputSize) {
    return plainCnn(new int[] {32, 64, 128, 128}, new boolean[4], embeddingDim, inputSize);
  }

  /**
   * small-cnn with a wider last stage and a second, stride-1 convolution in the last two stages:
   * more capacity where the maps are small, so a step costs about 1.5 times as much, not 4 times as
   * a uniformly doubled width would.
   */
  static Block mediumCnn(int embeddingDim, int inputSize) {
    return plainCnn(
        new int[] {32, 64, 128, 256},
        new boolean[] {false, false, true, true},
        embeddingDim,
        inputSize);
  }

  /**
   * Conv-BN-PReLU stages (the first at stride 1, the others halving the map), each followed by a
   * stride-1 one where {@code repeat} says so, then the embedding head.
   */
  private static Block plainCnn(int[] filters, boolean[] repeat, int embeddingDim, int inputSize) {
    SequentialBlock net = new SequentialBlock();
    int side = inputSize;
    for (int i = 0; i < filters.length; i++) {
      net.add(convBnPrelu(filters[i], 3, i == 0 ? 1 : 2, 1));
      side = i == 0 ? side : (side + 1) / 2;
      if (repeat[i]) {
        net.add(convBnPrelu(filters[i], 3, 1, 1));
      }
    }
    int channels = filters[filters.length - 1];
    // A global depthwise convolution (as MobileFaceNet's) rather than average pooling: it weighs
    // each position of the final map, so the embedding keeps where on the face a feature is
    // (pooling would keep only what).
    return net.add(
            new SequentialBlock()
                .add(
                    Conv2d.builder()
                        .setFilters(channels)
                        .setKernelShape(new Shape(side, side))
                        .optGroups(channels)
                        .optBias(false)
                        .build())
                .add(BatchNorm.builder().build()))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(embeddingDim).optBias(false).build())
        .add(BatchNorm.builder().build())
        .add(l2Normalize());
  }

  /**
   * Convolution, BatchNorm, PReLU; {@code groups} > 1 makes it grouped (depthwise when groups =
   * filters).
   */
  static SequentialBlock convBnPrelu(int filters, int kernel, int stride, int groups) {
    return new SequentialBlock()
        .add(conv(filters, kernel, stride, groups))
        .add(BatchNorm.builder().build())
        .add(new ChannelPrelu());
  }

  static Conv2d conv(int filters, int kernel, int stride, int groups) {
    int pad = kernel / 2;
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(pad, pad))
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  /** Flattens and L2-normalises each row. */
  static Block l2Normalize() {
    return new LambdaBlock(
        list -> {
          var x = list.singletonOrThrow();
          return new NDList(
              x.reshape(x.getShape().get(0), -1).normalize(2, 1, Backbone.L2_NORMALIZE_EPSILON));
        },
        Backbone.L2_NORMALIZE_BLOCK);
  }

  static Block identity() {
    return Blocks.identityBlock();
  }
}
