package io.f2c.job.training;

/**
 * The trainer operator's counters, checkpointed with its state (a Flink POJO). The model version is
 * what keeps published versions strictly increasing across restores.
 */
public class TrainerCounters {
  /** The last published model version (0: none yet). */
  public long modelVersion;

  /** Images the trainer has trained on. */
  public long imagesSeen;

  public TrainerCounters() {}

  public TrainerCounters(long modelVersion, long imagesSeen) {
    this.modelVersion = modelVersion;
    this.imagesSeen = imagesSeen;
  }

  /** Of several restored entries (state split across subtasks), the most advanced. */
  static TrainerCounters latest(Iterable<TrainerCounters> restored) {
    TrainerCounters latest = new TrainerCounters();
    for (TrainerCounters counters : restored) {
      if (counters.modelVersion >= latest.modelVersion) {
        latest = new TrainerCounters(counters.modelVersion, counters.imagesSeen);
      }
    }
    return latest;
  }
}
