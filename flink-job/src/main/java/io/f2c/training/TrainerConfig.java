package io.f2c.training;

import io.f2c.model.backbone.Backbones;
import io.f2c.preprocess.PreprocessSpec;

/**
 * Everything that defines a trainer. Two trainers with equal configs start from identical states, which is what makes
 * snapshots portable between them ({@link #toString()} is stored in every snapshot and checked on restore).
 *
 * @param backbone {@link Backbones} name
 * @param head DCP (F2C's Dynamic Class Pool) or FC (the full classifier baseline)
 * @param poolSize Q, rows of the Dynamic Class Pool
 * @param fcClasses N, classes of the FC baseline
 * @param margin CosFace or ArcFace; {@code marginValue} is m, {@code scale} is s
 * @param emaMomentum the gallery net's moving-average momentum (G = m G + (1 - m) P)
 * @param device "cpu", "gpu" or "auto" (GPU when DJL finds one)
 * @param torchThreads PyTorch intra-op threads (set explicitly: the default oversubscribes inside Flink)
 */
public record TrainerConfig(String backbone, int embeddingDim, PreprocessSpec input, Head head, int poolSize,
    int fcClasses, F2cLoss.Margin margin, float scale, float marginValue, float emaMomentum,
    LearningRateSchedule schedule, float sgdMomentum, float weightDecay, boolean nesterov, long seed, String device,
    int torchThreads) implements java.io.Serializable {

  /** The classification head. */
  public enum Head { DCP, FC }

  public TrainerConfig {
    Backbones.create(backbone, 1, input.size()); // validates the name and the input size early
    if (embeddingDim <= 0 || poolSize <= 0 || fcClasses <= 0 || torchThreads <= 0) {
      throw new IllegalArgumentException("embedding dim, pool size, FC classes and threads must be positive");
    }
    if (!(emaMomentum >= 0 && emaMomentum < 1)) {
      throw new IllegalArgumentException("EMA momentum must be in [0, 1), was " + emaMomentum);
    }
  }

  /** The authors' settings: D = 512, s = 32, CosFace m = 0.4, EMA 0.99, SGD lr 0.1 momentum 0.9 Nesterov. */
  public static TrainerConfig defaults() {
    return new TrainerConfig(Backbones.MOBILEFACENET, 512, PreprocessSpec.of(112, 3, 1.0), Head.DCP, 10_000,
        100_000, F2cLoss.Margin.COSFACE, 32f, 0.4f, 0.99f,
        LearningRateSchedule.step(0.1f, 500, new int[] {20_000, 40_000}, 0.1f), 0.9f, 5e-4f, true, 42L, "cpu", 2);
  }

  public TrainerConfig withBackbone(String name, int dim, PreprocessSpec spec) {
    return new TrainerConfig(name, dim, spec, head, poolSize, fcClasses, margin, scale, marginValue, emaMomentum,
        schedule, sgdMomentum, weightDecay, nesterov, seed, device, torchThreads);
  }

  public TrainerConfig withHead(Head h, int pool, int classes) {
    return new TrainerConfig(backbone, embeddingDim, input, h, pool, classes, margin, scale, marginValue, emaMomentum,
        schedule, sgdMomentum, weightDecay, nesterov, seed, device, torchThreads);
  }

  public TrainerConfig withMargin(F2cLoss.Margin type, float s, float m) {
    return new TrainerConfig(backbone, embeddingDim, input, head, poolSize, fcClasses, type, s, m, emaMomentum,
        schedule, sgdMomentum, weightDecay, nesterov, seed, device, torchThreads);
  }

  public TrainerConfig withOptimizer(LearningRateSchedule lr, float momentum, float decay, boolean useNesterov) {
    return new TrainerConfig(backbone, embeddingDim, input, head, poolSize, fcClasses, margin, scale, marginValue,
        emaMomentum, lr, momentum, decay, useNesterov, seed, device, torchThreads);
  }

  public TrainerConfig withRuntime(long randomSeed, String dev, int threads) {
    return new TrainerConfig(backbone, embeddingDim, input, head, poolSize, fcClasses, margin, scale, marginValue,
        emaMomentum, schedule, sgdMomentum, weightDecay, nesterov, randomSeed, dev, threads);
  }
}
