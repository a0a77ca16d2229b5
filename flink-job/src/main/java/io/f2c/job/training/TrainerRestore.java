package io.f2c.job.training;

import io.f2c.scaleout.NetworkAverage;
import io.f2c.scaleout.RoundSteps;
import io.f2c.training.F2cTrainer;
import io.f2c.training.PoolRow;
import io.f2c.training.TrainerConfig;
import io.f2c.training.TrainerSnapshot;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Brings one trainer back from the cores of every trainer of the checkpoint ({@link TrainerCore}).
 *
 * <ul>
 *   <li>One trainer before and now: its own core and rows, bit for bit.
 *   <li>As many trainers as before: its own core and rows (pool, LRU order, toggles); networks and
 *       momentum the average of all trainers', so all start from the same model.
 *   <li>Another number of trainers: the pool rebuilt from the rows of the identities that are now
 *       its own (Flink hands it their key groups), most recent first; networks and momentum the
 *       average of all.
 * </ul>
 *
 * The step counter and image count continue from the last round plus every trainer's own progress
 * since ({@link RoundSteps#global}).
 */
final class TrainerRestore {
  private TrainerRestore() {}

  /** Where the restored trainer stands. */
  record Restored(long step, long images, long modelVersion) {}

  static Restored apply(
      F2cTrainer trainer, List<TrainerCore> cores, int subtask, int trainers, PoolRowStore rows)
      throws Exception {
    int before = cores.get(0).trainers;
    boolean dcp = trainer.config().head() == TrainerConfig.Head.DCP;
    List<PoolRow> held = dcp ? rows.all() : List.of();
    if (before == trainers) {
      trainer.restoreWithoutPoolFeatures(cores.get(subtask).core, held);
    } else {
      trainer.restoreRenumberingPool(cores.get(0).core, held);
      if (dcp) {
        int size = trainer.pool().lru().size();
        rows.replaceAll(held, trainer.pool().rows(IntStream.range(0, size).toArray()));
      }
    }
    long version = cores.stream().mapToLong(c -> c.modelVersion).max().orElse(0);
    if (cores.size() == 1 && trainers == 1) {
      TrainerCore only = cores.get(0);
      return new Restored(only.step, only.images, version);
    }
    List<TrainerSnapshot.Parts> parts =
        cores.stream().map(c -> TrainerSnapshot.parts(c.core)).toList();
    trainer.setNetworkValues(
        NetworkAverage.mean(parts.stream().map(TrainerSnapshot.Parts::networks).toList()));
    trainer.setMomentumValues(
        NetworkAverage.mean(parts.stream().map(TrainerSnapshot.Parts::momentum).toList()));
    long step =
        RoundSteps.global(
            cores.stream().map(c -> new RoundSteps(c.step, c.stepsSinceRound)).toList());
    long images =
        RoundSteps.global(
            cores.stream().map(c -> new RoundSteps(c.images, c.imagesSinceRound)).toList());
    trainer.continueFromStep(step);
    return new Restored(step, images, version);
  }
}
