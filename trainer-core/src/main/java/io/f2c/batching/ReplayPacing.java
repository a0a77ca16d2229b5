package io.f2c.batching;

/**
 * When each known identity is replayed next, so that replays keep pace with what the trainer can
 * use however many identities there are.
 *
 * <p>Every identity is replayed every {@code intervalMs} while that fits a budget of replays per
 * second; beyond it the interval stretches to {@code identities / budget}. The budget is {@code
 * replaysPerArrival} times the rate at which images arrive: the trainer takes one instance batch of
 * new images per step and one identity batch, so it can use a fixed number of replays per arriving
 * image, and no more. Without the stretch a million identities at a one-minute interval would fire
 * over 16,000 replays a second, each carrying two images to a trainer that keeps a few dozen.
 *
 * <p>The arrival rate counts only seconds in which images arrived: a stream that pauses keeps its
 * last rate, so replays do not dry up for a whole stretched interval when it resumes. Not
 * thread-safe; one instance per loader subtask.
 */
public final class ReplayPacing {
  /** Weight of the newest active second in the arrival rate (a time constant of 16 s). */
  static final double RATE_WEIGHT = 1.0 / 16;

  private final long intervalMs;
  private final double replaysPerArrival;
  private double arrivalsPerSecond;
  private long currentSecond = Long.MIN_VALUE;
  private long arrivalsThisSecond;

  /**
   * @param intervalMs the shortest time between two replays of one identity
   * @param replaysPerArrival replays the trainer can use per arriving image
   * @param arrivalsPerSecond the arrival rate to start from (0 before anything arrived; a restored
   *     rate after a restore)
   */
  public ReplayPacing(long intervalMs, double replaysPerArrival, double arrivalsPerSecond) {
    if (intervalMs <= 0) {
      throw new IllegalArgumentException("replay interval must be positive, was " + intervalMs);
    }
    if (!(replaysPerArrival > 0)) {
      throw new IllegalArgumentException(
          "replays per arrival must be positive, was " + replaysPerArrival);
    }
    this.intervalMs = intervalMs;
    this.replaysPerArrival = replaysPerArrival;
    this.arrivalsPerSecond = Math.max(0, arrivalsPerSecond);
  }

  /** Counts an image arriving at {@code nowMs}. */
  public void arrived(long nowMs) {
    long second = Math.floorDiv(nowMs, 1000);
    if (second != currentSecond) {
      closeSecond();
      currentSecond = second;
    }
    arrivalsThisSecond++;
  }

  private void closeSecond() {
    if (arrivalsThisSecond == 0) {
      return;
    }
    // The first active second sets the rate; later ones move it by RATE_WEIGHT.
    arrivalsPerSecond =
        arrivalsPerSecond == 0
            ? arrivalsThisSecond
            : arrivalsPerSecond + RATE_WEIGHT * (arrivalsThisSecond - arrivalsPerSecond);
    arrivalsThisSecond = 0;
  }

  /** Images per second over the seconds in which images arrived, the last second included. */
  public double arrivalsPerSecond() {
    return arrivalsPerSecond == 0 ? arrivalsThisSecond : arrivalsPerSecond;
  }

  /** Replays per second this subtask may send. */
  public double budgetPerSecond() {
    return replaysPerArrival * arrivalsPerSecond();
  }

  /**
   * Milliseconds until an identity's next replay, when {@code identities} are known here: the
   * interval, or longer where replaying all of them at that interval would exceed the budget.
   */
  public long delayMs(long identities) {
    double budget = budgetPerSecond();
    if (budget <= 0) {
      return intervalMs;
    }
    double spread = Math.ceil(identities * 1000.0 / budget);
    return (long) Math.max(intervalMs, Math.min(spread, Long.MAX_VALUE / 2.0));
  }
}
