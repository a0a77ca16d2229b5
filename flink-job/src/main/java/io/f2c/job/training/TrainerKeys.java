package io.f2c.job.training;

import io.f2c.batching.InstanceBatchRecord;
import java.util.Arrays;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * How the trainers' two inputs are keyed. Identity samples by identity (each identity trains on one
 * trainer, whose key groups carry its pool row). Instance batches hold many identities; they are
 * spread evenly over the trainers by a key per trainer subtask, chosen so that Flink's key-group
 * assignment sends it there.
 */
public final class TrainerKeys {
  /** Key groups of the trainer operator: the most trainers a savepoint can be rescaled to. */
  public static final int MAX_TRAINERS = 128;

  private TrainerKeys() {}

  /** Spreads instance batches over {@code trainers} subtasks by a hash of their labels. */
  public static KeySelector<InstanceBatchRecord, String> spreading(int trainers) {
    String[] keys = perSubtask(trainers);
    return batch -> keys[Math.floorMod(Arrays.hashCode(batch.labels), keys.length)];
  }

  /** For each subtask of {@code trainers}, a key that Flink assigns to it. */
  static String[] perSubtask(int trainers) {
    String[] keys = new String[trainers];
    int found = 0;
    for (int n = 0; found < trainers; n++) {
      String key = "batches-" + n;
      int subtask =
          KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_TRAINERS, trainers);
      if (keys[subtask] == null) {
        keys[subtask] = key;
        found++;
      }
    }
    return keys;
  }
}
