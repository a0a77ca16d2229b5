package io.f2c.job.training;

import io.f2c.training.DynamicClassPool;
import io.f2c.training.PoolRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The Dynamic Class Pool's rows as keyed RocksDB state, one value per identity: a row follows its
 * identity's key group when the trainers are rescaled, and a checkpoint carries only the rows that
 * steps changed since the last one. Written through after every step; an identity the pool let go
 * loses its value.
 *
 * <p>With several trainers a pool also takes the gallery features of instance images whose
 * identities train on another trainer (instance batches are spread over all). Their rows cannot be
 * kept here (their key groups are another subtask's) and are not: they are a cache that the next
 * instance batches refill, and a restore brings back the rows of the trainer's own identities.
 */
final class PoolRowStore {
  static final String STATE_NAME = "pool-row";

  private final ValueState<PoolRow> rows;
  private final TrainerHost host;

  PoolRowStore(RuntimeContext context, TrainerHost host) {
    this.rows =
        context.getState(new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(PoolRow.class)));
    this.host = host;
  }

  /** Writes what the pool's last step changed: evicted identities first, then written rows. */
  void saveStep(DynamicClassPool pool) throws Exception {
    List<PoolRow> written = pool.rows(pool.lastWrittenRows());
    Object key = host.currentKey();
    try {
      for (String evicted : pool.lastEvicted()) {
        if (host.owns(evicted)) {
          host.setCurrentKey(evicted);
          rows.clear();
        }
      }
      for (PoolRow row : written) {
        if (host.owns(row.identity)) {
          host.setCurrentKey(row.identity);
          rows.update(row);
        }
      }
    } finally {
      if (key != null) {
        host.setCurrentKey(key);
      }
    }
  }

  /** Every row this subtask holds. */
  List<PoolRow> all() throws Exception {
    List<PoolRow> all = new ArrayList<>();
    Object key = host.currentKey();
    try {
      for (String identity : host.keysOf(STATE_NAME)) {
        host.setCurrentKey(identity);
        PoolRow row = rows.value();
        if (row != null) {
          all.add(row);
        }
      }
    } finally {
      if (key != null) {
        host.setCurrentKey(key);
      }
    }
    return all;
  }

  /** Replaces the stored rows by {@code kept} (after the pool renumbered them). */
  void replaceAll(Collection<PoolRow> before, Collection<PoolRow> kept) throws Exception {
    Object key = host.currentKey();
    try {
      for (PoolRow row : before) {
        host.setCurrentKey(row.identity);
        rows.clear();
      }
      for (PoolRow row : kept) {
        host.setCurrentKey(row.identity);
        rows.update(row);
      }
    } finally {
      if (key != null) {
        host.setCurrentKey(key);
      }
    }
  }
}
