package io.f2c.job.training;

/**
 * One trainer's checkpointed core (a Flink POJO), kept in union list state so that after a restore
 * every trainer sees every trainer's: K trainers restart from the average of their networks, and a
 * changed K finds them all.
 */
public class TrainerCore {
  /** Which trainer wrote it, of how many. */
  public int subtask;

  public int trainers;

  /** {@link io.f2c.training.F2cTrainer#snapshotWithoutPoolFeatures}. */
  public byte[] core;

  /** The trainer's step counter and its own steps since the last averaged round. */
  public long step;

  public long stepsSinceRound;

  /** Its image count and its own images since the last averaged round. */
  public long images;

  public long imagesSinceRound;

  /**
   * Images of the instance batches this trainer received: trained, or pending in its state. Summed
   * over the trainers (whatever K restored them), it accounts for every image that left the
   * instance loader.
   */
  public long instanceImagesIn;

  /** The last published model version (kept by trainer 0, which publishes). */
  public long modelVersion;

  public TrainerCore() {}
}
