package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * F2C's head: the gallery net's moving average and features, the Dynamic Class Pool, the two-pass
 * loss.
 */
final class DcpHead implements ClassificationHead {
  private final Networks nets;
  private final DynamicClassPool pool;
  private final DcpStep step;
  private final float emaMomentum;
  private NDArray galleryX;
  private NDArray galleryY;
  private int rowsUsed;
  private long useClock;

  DcpHead(TrainerConfig config, Networks nets, NDManager manager) {
    this.nets = nets;
    this.pool =
        new DynamicClassPool(
            manager, config.poolSize(), config.embeddingDim(), config.seed() ^ 0x5EEDL);
    this.step =
        new DcpStep(pool, new F2cLoss(config.margin(), config.scale(), config.marginValue()));
    this.emaMomentum = config.emaMomentum();
  }

  DynamicClassPool pool() {
    return pool;
  }

  @Override
  public void prepare(NDArray x, NDArray y) {
    nets.emaUpdate(emaMomentum);
    // G(y) and G(x) as two passes, each half with its own BatchNorm statistics (as P's).
    galleryY = nets.forwardGallery(y);
    galleryX = nets.forwardGallery(x);
  }

  @Override
  public HeadLoss loss(NDArray probeX, NDArray probeY, String[] xLabels, String[] yLabels) {
    return step.twoPassLoss(probeX, probeY, galleryX, galleryY, xLabels, yLabels);
  }

  @Override
  public List<NDArray> trainableArrays() {
    return List.of();
  }

  @Override
  public double occupancy() {
    return pool.occupancy();
  }

  /**
   * The counters, then (with {@code features}) every row: identity, toggle, last use, both slots.
   * Without them the rows are the caller's (the streaming job keeps them in RocksDB and restores
   * them with {@link DynamicClassPool#restore}).
   */
  @Override
  public void writeState(DataOutputStream out, boolean features) throws IOException {
    out.writeBoolean(features);
    out.writeInt(pool.lru().rowsUsed());
    out.writeLong(pool.lru().clock());
    if (features) {
      TrainerSnapshot.writeArray(out, pool.features());
      out.writeInt(pool.capacity());
      for (int row = 0; row < pool.capacity(); row++) {
        String identity = pool.lru().identityAt(row);
        out.writeBoolean(identity != null);
        if (identity != null) {
          out.writeUTF(identity);
        }
        out.writeByte(pool.toggle(row));
        out.writeLong(pool.lru().lastUsed(row));
      }
    }
  }

  @Override
  public void readState(DataInputStream in, boolean features) throws IOException {
    if (in.readBoolean() != features) {
      throw new IOException(features ? "the snapshot has no pool rows" : "unexpected pool rows");
    }
    rowsUsed = in.readInt();
    useClock = in.readLong();
    if (features) {
      InPlace.copy(pool.features(), TrainerSnapshot.readFloats(in));
      int capacity = in.readInt();
      List<PoolRow> rows = new ArrayList<>(capacity);
      for (int row = 0; row < capacity; row++) {
        String identity = in.readBoolean() ? in.readUTF() : null;
        rows.add(new PoolRow(row, identity, in.readByte(), in.readLong(), null));
      }
      pool.restore(rows, rowsUsed, useClock);
    }
  }

  /** Completes a restore without rows in the snapshot: the rows the caller kept. */
  void restoreRows(List<PoolRow> rows) {
    pool.restore(rows, rowsUsed, useClock);
  }

  /**
   * Completes a restore with rows gathered from other trainers' pools (after K changed): the most
   * recently used identities get rows 0, 1, ... up to the capacity, in their order of use.
   */
  void restoreRowsRenumbered(List<PoolRow> rows) {
    List<PoolRow> kept =
        rows.stream()
            .filter(r -> r.identity != null)
            .sorted(Comparator.comparingLong((PoolRow r) -> r.lastUsed).reversed())
            .limit(pool.capacity())
            .toList();
    List<PoolRow> renumbered = new ArrayList<>(kept.size());
    long clock = 0;
    for (int i = 0; i < kept.size(); i++) {
      PoolRow r = kept.get(i);
      renumbered.add(new PoolRow(i, r.identity, r.toggle, r.lastUsed, r.features));
      clock = Math.max(clock, r.lastUsed);
    }
    pool.restore(renumbered, renumbered.size(), clock);
  }

  @Override
  public void close() {
    pool.close();
  }
}
