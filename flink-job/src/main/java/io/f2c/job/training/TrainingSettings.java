package io.f2c.job.training;

import io.f2c.batching.DistinctIdentities;
import io.f2c.training.TrainerConfig;
import java.io.Serializable;

/**
 * What the operator needs besides the trainer's config.
 *
 * @param identityBatch identity samples per step
 * @param replayShare share of an identity batch for replays (see {@link DistinctIdentities})
 * @param publishEverySteps a model version every this many (global) steps
 * @param publishedBefore the latest version already on the models topic when the job was built: a
 *     job without saved state numbers its versions after it
 * @param initModel the published model a trainer without saved state starts from (--init-model), or
 *     null
 * @param stepsPerRound with several trainers, own steps after which a trainer asks for an averaging
 *     round
 */
public record TrainingSettings(
    TrainerConfig trainer,
    String modelName,
    int identityBatch,
    double replayShare,
    long publishEverySteps,
    long publishedBefore,
    InitModel initModel,
    long stepsPerRound)
    implements Serializable {
  public TrainingSettings(
      TrainerConfig trainer,
      String modelName,
      int identityBatch,
      double replayShare,
      long publishEverySteps,
      long publishedBefore) {
    this(
        trainer,
        modelName,
        identityBatch,
        replayShare,
        publishEverySteps,
        publishedBefore,
        null,
        publishEverySteps);
  }

  /** A model blob to warm-start from, and where it came from (for the log). */
  public record InitModel(String source, byte[] blob) implements Serializable {}
}
