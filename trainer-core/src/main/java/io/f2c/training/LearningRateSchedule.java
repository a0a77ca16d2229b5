package io.f2c.training;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Learning rate as a pure function of the step: linear warm-up from {@code base * warmupFactor} to
 * {@code base} over {@code warmupSteps}, then either step decay (times {@code gamma} at each
 * milestone) or cosine decay to {@code base * minFactor} at {@code totalSteps}. Being a function of
 * the step, it restores with the step counter.
 */
public record LearningRateSchedule(
    float base,
    int warmupSteps,
    float warmupFactor,
    Kind kind,
    int[] milestones,
    float gamma,
    int totalSteps,
    float minFactor)
    implements Serializable {

  /** Decay after warm-up. */
  public enum Kind {
    STEP,
    COSINE
  }

  public static LearningRateSchedule step(
      float base, int warmupSteps, int[] milestones, float gamma) {
    return new LearningRateSchedule(
        base, warmupSteps, 0.1f, Kind.STEP, milestones.clone(), gamma, 0, 0f);
  }

  public static LearningRateSchedule cosine(
      float base, int warmupSteps, int totalSteps, float minFactor) {
    return new LearningRateSchedule(
        base, warmupSteps, 0.1f, Kind.COSINE, new int[0], 1f, totalSteps, minFactor);
  }

  public float at(long step) {
    if (step < warmupSteps) {
      float t = (step + 1) / (float) warmupSteps;
      return base * (warmupFactor + (1 - warmupFactor) * t);
    }
    if (kind == Kind.STEP) {
      long passed = Arrays.stream(milestones).filter(ms -> step >= ms).count();
      return (float) (base * Math.pow(gamma, passed));
    }
    long span = Math.max(1, totalSteps - warmupSteps);
    double t = Math.min(1.0, (step - warmupSteps) / (double) span);
    double min = base * minFactor;
    return (float) (min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * t)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearningRateSchedule s && s.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return kind
        + "(base="
        + base
        + ", warmup="
        + warmupSteps
        + "x"
        + warmupFactor
        + ", milestones="
        + Arrays.toString(milestones)
        + ", gamma="
        + gamma
        + ", total="
        + totalSteps
        + ", min="
        + minFactor
        + ")";
  }
}
