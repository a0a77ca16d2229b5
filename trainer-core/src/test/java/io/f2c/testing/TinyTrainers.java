package io.f2c.testing;

import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.training.F2cLoss;
import io.f2c.training.LearningRateSchedule;
import io.f2c.training.TrainerConfig;

/**
 * Trainers small enough to step in milliseconds: 16 px RGB, D = 16, a six-row pool, one torch
 * thread.
 */
public final class TinyTrainers {
  public static final PreprocessSpec SPEC = PreprocessSpec.of(16, 3, 1.0);

  private TinyTrainers() {}

  public static TrainerConfig tiny(TrainerConfig.Head head) {
    return builder(head).build();
  }

  public static TrainerConfig.Builder builder(TrainerConfig.Head head) {
    return TrainerConfig.builder()
        .network(Backbone.SMALL_CNN, 16, SPEC)
        .head(head, 6, 40)
        .margin(F2cLoss.Margin.ARCFACE, 16f, 0.3f)
        .schedule(LearningRateSchedule.step(0.05f, 2, new int[] {4}, 0.5f))
        .sgd(0.9f, 5e-4f, true)
        .seed(7)
        .torchThreads(1);
  }
}
