package io.f2c.training;

import java.io.Serializable;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * Test-only: called by the trainer operator before each training step, so that tests can inject a
 * failure at a chosen step (as flink-connector-kafka's failing mappers do). Production jobs use
 * {@link #NONE}.
 */
@VisibleForTesting
@FunctionalInterface
public interface StepHook extends Serializable {
  StepHook NONE = (step, attempt) -> {};

  /**
   * @param step the step about to run (1-based)
   * @param attempt the task's attempt number (0 before the first restart)
   */
  void beforeStep(long step, int attempt) throws Exception;
}
