package io.f2c.model.backbone;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/**
 * MobileFaceNet (Chen et al., "MobileFaceNets", 2018): a 3x3 stem with stride 2, a depthwise 3x3,
 * five stages of inverted-residual bottlenecks (expansion t, output c, repeats n, first stride s),
 * a 1x1 conv to 512, a global depthwise convolution over the final map (7x7 at 112 px input) and a
 * linear 1x1 conv to D, then BatchNorm and L2 normalisation. The spatial size shrinks by 16, so the
 * input must be a multiple of 16.
 */
final class MobileFaceNet {
  private MobileFaceNet() {}

  /** {t, c, n, s} per stage, from the paper's table 1. */
  private static final int[][] STAGES = {
    {2, 64, 5, 2}, {4, 128, 1, 2}, {2, 128, 6, 1}, {4, 128, 1, 2}, {2, 128, 2, 1}
  };

  static Block create(int embeddingDim, int inputSize) {
    if (inputSize % 16 != 0) {
      throw new IllegalArgumentException(
          "mobilefacenet needs an input size divisible by 16, was " + inputSize);
    }
    SequentialBlock net =
        new SequentialBlock()
            .add(Backbones.convBnPrelu(64, 3, 2, 1))
            .add(Backbones.convBnPrelu(64, 3, 1, 64));
    int channels = 64;
    for (int[] stage : STAGES) {
      for (int i = 0; i < stage[2]; i++) {
        int stride = i == 0 ? stage[3] : 1;
        net.add(bottleneck(channels, stage[1], stage[0], stride));
        channels = stage[1];
      }
    }
    int finalMap = inputSize / 16;
    return net.add(Backbones.convBnPrelu(512, 1, 1, 1))
        .add(
            Conv2d.builder()
                .setFilters(512)
                .setKernelShape(new Shape(finalMap, finalMap))
                .optGroups(512)
                .optBias(false)
                .build())
        .add(BatchNorm.builder().build())
        .add(Backbones.conv(embeddingDim, 1, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Backbones.l2Normalize());
  }

  /**
   * Expand 1x1 (BN, PReLU), depthwise 3x3 (BN, PReLU), project 1x1 (BN, linear); residual when
   * shapes match.
   */
  private static Block bottleneck(int in, int out, int expansion, int stride) {
    int hidden = in * expansion;
    SequentialBlock body =
        new SequentialBlock()
            .add(Backbones.convBnPrelu(hidden, 1, 1, 1))
            .add(Backbones.convBnPrelu(hidden, 3, stride, hidden))
            .add(Backbones.conv(out, 1, 1, 1))
            .add(BatchNorm.builder().build());
    if (stride != 1 || in != out) {
      return body;
    }
    return new Residual(body);
  }
}
