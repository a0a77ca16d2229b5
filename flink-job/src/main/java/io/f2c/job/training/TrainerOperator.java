package io.f2c.job.training;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.publishing.PublishedModel;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.apache.flink.runtime.operators.coordination.OperatorEventHandler;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The trainer's operator: Flink's keyed co-process operator around {@link TrainingFunction}, which
 * also lets the function reach keyed state of other identities, talk to the averaging coordinator
 * and emit a model version outside a record ({@link TrainerHost}).
 */
public final class TrainerOperator
    extends KeyedCoProcessOperator<String, IdentitySample, InstanceBatchRecord, PublishedModel>
    implements OperatorEventHandler, TrainerHost {
  private static final long serialVersionUID = 1L;

  private transient OperatorEventGateway coordinator;

  public TrainerOperator(TrainingFunction function) {
    super(function);
  }

  /** Set by {@link TrainerOperatorFactory}; a test harness runs one trainer without it. */
  void connect(OperatorEventGateway gateway) {
    this.coordinator = gateway;
  }

  @Override
  public void open() throws Exception {
    ((TrainingFunction) getUserFunction()).attach(this);
    super.open();
  }

  @Override
  public void handleOperatorEvent(OperatorEvent event) {
    ((TrainingFunction) getUserFunction()).handleRoundEvent(event);
  }

  @Override
  public Object currentKey() {
    return getCurrentKey();
  }

  @Override
  public boolean owns(String key) {
    var task = getRuntimeContext().getTaskInfo();
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
            key, task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks())
        == task.getIndexOfThisSubtask();
  }

  @Override
  public List<String> keysOf(String stateName) throws Exception {
    KeyedStateBackend<String> backend = getKeyedStateBackend();
    try (Stream<String> keys = backend.getKeys(stateName, VoidNamespace.INSTANCE)) {
      return keys.toList();
    }
  }

  @Override
  public void sendToCoordinator(OperatorEvent event) {
    if (coordinator == null) {
      throw new IllegalStateException("this trainer runs without an averaging coordinator");
    }
    coordinator.sendEventToCoordinator(event);
  }

  @Override
  public void emit(PublishedModel model) {
    output.collect(new StreamRecord<>(model));
  }

  @Override
  public int subtask() {
    return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
  }

  @Override
  public int trainers() {
    return getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
  }
}
