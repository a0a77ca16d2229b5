package io.f2c.job.config;

import io.f2c.preprocess.PreprocessSpec;
import io.f2c.training.LearningRateSchedule;
import io.f2c.training.TrainerConfig;
import java.util.Arrays;

/**
 * The trainer's settings from the options: every field of {@link TrainerConfig} that a user can set
 * comes from here.
 */
public final class TrainerSettings {
  private TrainerSettings() {}

  /**
   * The trainer config the options describe.
   *
   * @throws F2cConfig.UsageException when the combination is invalid (the message says which
   *     setting)
   */
  public static TrainerConfig from(F2cConfig config) {
    try {
      return TrainerConfig.builder()
          .network(
              config.get(F2cOptions.BACKBONE),
              config.get(F2cOptions.EMBEDDING_DIM),
              preprocessSpec(config))
          .head(
              config.get(F2cOptions.HEAD),
              config.get(F2cOptions.POOL_SIZE),
              config.get(F2cOptions.FC_CLASSES))
          .margin(
              config.get(F2cOptions.MARGIN_TYPE),
              config.get(F2cOptions.MARGIN_SCALE).floatValue(),
              config.get(F2cOptions.MARGIN).floatValue())
          .emaMomentum(config.get(F2cOptions.EMA_MOMENTUM).floatValue())
          .schedule(schedule(config))
          .sgd(
              config.get(F2cOptions.SGD_MOMENTUM).floatValue(),
              config.get(F2cOptions.WEIGHT_DECAY).floatValue(),
              true)
          .seed(config.get(F2cOptions.SEED))
          .device(config.get(F2cOptions.DEVICE))
          .torchThreads(config.get(F2cOptions.TORCH_THREADS))
          .horizontalFlip(config.get(F2cOptions.FLIP))
          .shiftPixels(config.get(F2cOptions.SHIFT))
          .testTimeFlip(config.get(F2cOptions.TEST_TIME_FLIP))
          .build();
    } catch (IllegalArgumentException e) {
      throw new F2cConfig.UsageException(e.getMessage());
    }
  }

  /**
   * Warm-up, then constant, cosine decay over --lr-decay-steps, or step decay at --lr-milestones.
   */
  static LearningRateSchedule schedule(F2cConfig config) {
    float lr = config.get(F2cOptions.LEARNING_RATE).floatValue();
    int warmup = config.get(F2cOptions.WARMUP_STEPS);
    long decay = config.get(F2cOptions.LR_DECAY_STEPS);
    int[] milestones = milestones(config.get(F2cOptions.LR_MILESTONES));
    if (decay > 0 && milestones.length > 0) {
      throw new F2cConfig.UsageException(
          "--lr-decay-steps (cosine decay) and --lr-milestones (step decay) are two schedules: "
              + "give one of them");
    }
    if (milestones.length > 0 && milestones[0] <= warmup) {
      throw new F2cConfig.UsageException(
          "--lr-milestones must come after the warm-up: the first is "
              + milestones[0]
              + ", --warmup-steps is "
              + warmup);
    }
    return decay > 0
        ? LearningRateSchedule.cosine(
            lr,
            warmup,
            Math.toIntExact(warmup + decay),
            config.get(F2cOptions.LR_FINAL_FRACTION).floatValue())
        : LearningRateSchedule.step(lr, warmup, milestones, 0.1f);
  }

  private static int[] milestones(String text) {
    return text.equals("none")
        ? new int[0]
        : Arrays.stream(text.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /** How images become network inputs, from --input-size, --channels and --crop-fraction. */
  public static PreprocessSpec preprocessSpec(F2cConfig config) {
    return PreprocessSpec.of(
        config.get(F2cOptions.INPUT_SIZE),
        config.get(F2cOptions.CHANNELS),
        config.get(F2cOptions.CROP_FRACTION));
  }
}
