package io.f2c.scaleout;

import java.io.Serializable;
import java.util.List;

/**
 * The step counter (or image count) of K trainers as one model's: the learning-rate schedule and
 * the publishing cadence follow the steps of all trainers together, so K trainers see the schedule
 * that one trainer would over the same images.
 *
 * <p>Each trainer counts on from the global step of the last round it received; {@code sinceRound}
 * is how many of its steps it took since it contributed to that round. So {@code step - sinceRound}
 * is the same last global step for every trainer, and the next global step adds everyone's own
 * steps to it.
 *
 * @param step the trainer's step counter when it contributed
 * @param sinceRound its own steps since its previous contribution (or since a restore)
 */
public record RoundSteps(long step, long sinceRound) implements Serializable {
  public RoundSteps {
    if (sinceRound < 0 || sinceRound > step) {
      throw new IllegalArgumentException(
          "steps since the last round (" + sinceRound + ") must lie in 0.." + step);
    }
  }

  /**
   * The global step after a round: the latest earlier global step plus every trainer's own steps.
   * Trainers restored from different rounds (a failure in the middle of one) count from the latest.
   */
  public static long global(List<RoundSteps> trainers) {
    long base = 0;
    long own = 0;
    for (RoundSteps t : trainers) {
      base = Math.max(base, t.step - t.sinceRound);
      own += t.sinceRound;
    }
    return base + own;
  }
}
