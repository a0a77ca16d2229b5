package io.f2c.job.training;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The trainer operator's operator state, by name: every trainer's core ({@link TrainerCore}, union:
 * each restored trainer reads all) and the samples and batches waiting for a step (union too: a
 * restored trainer keeps the samples of its own identities and its share of the batches).
 */
final class TrainerState {
  private final ListState<TrainerCore> cores;
  private final ListState<IdentitySample> pendingSamples;
  private final ListState<InstanceBatchRecord> pendingBatches;

  TrainerState(OperatorStateStore store) throws Exception {
    cores =
        store.getUnionListState(
            new ListStateDescriptor<>("trainer-cores", TypeInformation.of(TrainerCore.class)));
    pendingSamples =
        store.getUnionListState(new ListStateDescriptor<>("pending-samples", IdentitySample.class));
    pendingBatches =
        store.getUnionListState(
            new ListStateDescriptor<>("pending-batches", InstanceBatchRecord.class));
  }

  /** Every trainer's restored core, by the subtask that wrote it; empty without a restore. */
  List<TrainerCore> cores() throws Exception {
    List<TrainerCore> all = new ArrayList<>();
    cores.get().forEach(all::add);
    all.sort(Comparator.comparingInt(c -> c.subtask));
    return all;
  }

  List<IdentitySample> pendingSamples() throws Exception {
    List<IdentitySample> all = new ArrayList<>();
    pendingSamples.get().forEach(all::add);
    return all;
  }

  List<InstanceBatchRecord> pendingBatches() throws Exception {
    List<InstanceBatchRecord> all = new ArrayList<>();
    pendingBatches.get().forEach(all::add);
    return all;
  }

  void save(
      TrainerCore core, Collection<IdentitySample> samples, Collection<InstanceBatchRecord> batches)
      throws Exception {
    cores.update(List.of(core));
    pendingSamples.update(new ArrayList<>(samples));
    pendingBatches.update(new ArrayList<>(batches));
  }
}
