package io.f2c.job.training;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The trainer operator's operator state, by name: the trainer's core (P, G, momentum, LRU order,
 * toggles, step; everything but the pool's rows, which are keyed map state), its counters, and the
 * samples and batches waiting for a step.
 */
final class TrainerState {
  private final ListState<byte[]> core;
  private final ListState<TrainerCounters> counters;
  private final ListState<IdentitySample> pendingSamples;
  private final ListState<InstanceBatchRecord> pendingBatches;

  TrainerState(OperatorStateStore store) throws Exception {
    core =
        store.getListState(
            new ListStateDescriptor<>(
                "trainer-core", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    counters =
        store.getListState(
            new ListStateDescriptor<>(
                "trainer-counters", TypeInformation.of(TrainerCounters.class)));
    pendingSamples =
        store.getListState(new ListStateDescriptor<>("pending-samples", IdentitySample.class));
    pendingBatches =
        store.getListState(new ListStateDescriptor<>("pending-batches", InstanceBatchRecord.class));
  }

  /** The restored core, or null when there is none. */
  byte[] core() throws Exception {
    byte[] restored = null;
    for (byte[] entry : core.get()) {
      restored = entry;
    }
    return restored;
  }

  TrainerCounters counters() throws Exception {
    return TrainerCounters.latest(counters.get());
  }

  void pendingInto(Collection<IdentitySample> samples, Collection<InstanceBatchRecord> batches)
      throws Exception {
    pendingSamples.get().forEach(samples::add);
    pendingBatches.get().forEach(batches::add);
  }

  void save(
      byte[] trainerCore,
      TrainerCounters values,
      Collection<IdentitySample> samples,
      Collection<InstanceBatchRecord> batches)
      throws Exception {
    core.update(List.of(trainerCore));
    counters.update(List.of(values));
    pendingSamples.update(new ArrayList<>(samples));
    pendingBatches.update(new ArrayList<>(batches));
  }
}
