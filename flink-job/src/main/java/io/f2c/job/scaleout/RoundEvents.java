package io.f2c.job.scaleout;

import io.f2c.scaleout.RoundSteps;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * What the trainers and the {@link AveragingCoordinator} tell each other, as Flink operator events
 * (they travel over the JobManager's RPC, so networks go in parts well under its frame size).
 */
public final class RoundEvents {
  private RoundEvents() {}

  /** Trainer to coordinator: I have taken enough steps since the last round; start one. */
  public record Ready() implements OperatorEvent {}

  /** Coordinator to every trainer: send your networks for round {@code round}. */
  public record Request(long round) implements OperatorEvent {}

  /**
   * Trainer to coordinator: one part of its networks ({@link FloatArrays} bytes) for a round.
   *
   * @param step the trainer's step counter when it took the networks
   * @param images and its count of images trained, the same way
   */
  public record Contribution(
      long round, RoundSteps steps, RoundSteps images, int part, int parts, byte[] bytes)
      implements OperatorEvent {}

  /**
   * Coordinator to every trainer: one part of the round's average, and the global step and image
   * count after it.
   */
  public record Average(
      long round, long globalStep, long globalImages, int part, int parts, byte[] bytes)
      implements OperatorEvent {}
}
