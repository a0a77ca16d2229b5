package io.f2c.job.training;

import io.f2c.job.publishing.PublishedModel;
import java.util.List;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * What the trainer's operator ({@link TrainerOperator}) does for its function beyond a keyed
 * function's reach: keyed state of identities other than the current record's (the pool's rows are
 * kept by identity), events to the averaging coordinator, and output outside a record.
 */
interface TrainerHost {
  Object currentKey();

  void setCurrentKey(Object key);

  /** Whether {@code key}'s key group belongs to this subtask (only then can it hold its state). */
  boolean owns(String key);

  /** The keys that hold a value of the named keyed state on this subtask. */
  List<String> keysOf(String stateName) throws Exception;

  void sendToCoordinator(OperatorEvent event);

  void emit(PublishedModel model);

  int subtask();

  int trainers();
}
