package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * F2C's Dynamic Class Pool: Q rows of class features, two slots each (a [2, Q, D] tensor, kept as
 * [2Q, D] with slot s of row r at index s*Q + r), the LRU map identity -> row, and a toggle per row
 * saying which slot the next feature of that row's identity goes to.
 *
 * <p>Write rule for a gallery feature g of identity id, in order: if id is not in the pool, it gets
 * a row (evicting the least recently used identity when full), g goes to slot 0 and the toggle
 * becomes 1; if it is, g goes to the slot the toggle names, the toggle flips and the row counts as
 * "updated" in this pass.
 *
 * <p>A pass begun with {@code beginPass(true)} is journaled: {@link #rollbackPass()} puts rows,
 * toggles and LRU order back exactly as they were. The pool's cost depends on Q and D only, never
 * on the number of identities.
 */
public final class DynamicClassPool implements AutoCloseable {
  private final int capacity;
  private final int dim;
  private final NDManager manager;
  private final NDArray features;
  private final LruRows lru;
  private final byte[] toggle;
  private final boolean[] updated;
  private final List<Integer> updatedRows = new ArrayList<>();

  private int[] lastWritten = new int[0];
  private List<String> lastEvicted = List.of();
  private boolean journaling;
  private final List<int[]> toggleUndo = new ArrayList<>();
  private final List<NDArray[]> featureUndo = new ArrayList<>();

  /**
   * A pool of {@code capacity} rows of dimension {@code dim}, every slot a random unit vector from
   * {@code seed}.
   */
  public DynamicClassPool(NDManager parent, int capacity, int dim, long seed) {
    this.capacity = capacity;
    this.dim = dim;
    this.manager = parent.newSubManager();
    this.lru = new LruRows(capacity);
    this.toggle = new byte[capacity];
    this.updated = new boolean[capacity];
    this.features = manager.zeros(new Shape(2L * capacity, dim), DataType.FLOAT32);
    SplittableRandom random = new SplittableRandom(seed);
    int chunkRows = Math.max(1, (1 << 20) / dim);
    for (int start = 0; start < 2 * capacity; start += chunkRows) {
      int rows = Math.min(chunkRows, 2 * capacity - start);
      float[] chunk = new float[rows * dim];
      for (int r = 0; r < rows; r++) {
        double norm = 0;
        for (int d = 0; d < dim; d++) {
          float v = (float) gaussian(random);
          chunk[r * dim + d] = v;
          norm += v * v;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < dim; d++) {
          chunk[r * dim + d] *= inv;
        }
      }
      try (NDArray values = manager.create(chunk, new Shape(rows, dim))) {
        features.set(new NDIndex(start + ":" + (start + rows)), values);
      }
    }
  }

  public int capacity() {
    return capacity;
  }

  public int dim() {
    return dim;
  }

  public LruRows lru() {
    return lru;
  }

  /** Share of rows that hold an identity. */
  public double occupancy() {
    return lru.size() / (double) capacity;
  }

  public int toggle(int row) {
    return toggle[row];
  }

  /** The [2Q, D] feature tensor (slot-major). */
  public NDArray features() {
    return features;
  }

  /**
   * Starts a pass; a journaled one can be rolled back. Clears the rows updated by the previous
   * pass.
   */
  public void beginPass(boolean journaled) {
    if (journaling) {
      throw new IllegalStateException("the previous pass was neither rolled back nor ended");
    }
    for (int row : updatedRows) {
      updated[row] = false;
    }
    updatedRows.clear();
    if (journaled) {
      journaling = true;
      lru.beginJournal();
    }
  }

  /** Keeps a journaled pass's changes. */
  public void endPass() {
    if (journaling) {
      journaling = false;
      lru.commit();
      toggleUndo.clear();
      featureUndo.clear();
    }
  }

  /** Undoes the journaled pass: rows, toggles and LRU order as before {@link #beginPass}. */
  public void rollbackPass() {
    if (!journaling) {
      throw new IllegalStateException("no journaled pass to roll back");
    }
    journaling = false;
    for (int i = featureUndo.size() - 1; i >= 0; i--) {
      NDArray[] undo = featureUndo.get(i);
      features.set(new NDIndex("{}", undo[0]), undo[1]);
    }
    for (int i = toggleUndo.size() - 1; i >= 0; i--) {
      toggle[toggleUndo.get(i)[0]] = (byte) toggleUndo.get(i)[1];
    }
    for (int row : updatedRows) {
      updated[row] = false;
    }
    updatedRows.clear();
    lru.rollback();
    featureUndo.clear();
    toggleUndo.clear();
  }

  /**
   * Writes gallery features (rows of {@code gallery}, detached from any graph) for {@code labels},
   * in order, by the write rule. Returns the slot-major index each feature went to.
   */
  public long[] write(NDArray gallery, String[] labels) {
    long[] target = new long[labels.length];
    List<String> evicted = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      boolean known = lru.contains(labels[i]);
      int row = lru.get(labels[i]);
      if (lru.lastEvicted() != null) {
        evicted.add(lru.lastEvicted());
      }
      int slot = known ? toggle[row] : 0;
      setToggle(row, known ? 1 - slot : 1);
      if (known && !updated[row]) {
        updated[row] = true;
        updatedRows.add(row);
      }
      target[i] = (long) slot * capacity + row;
    }
    // A later write to the same slot replaces an earlier one: keep the last feature per target.
    Map<Long, Integer> last = new LinkedHashMap<>();
    for (int i = 0; i < target.length; i++) {
      last.remove(target[i]);
      last.put(target[i], i);
    }
    long[] targets = last.keySet().stream().mapToLong(Long::longValue).toArray();
    if (!journaling) {
      lastWritten = Arrays.stream(targets).mapToInt(t -> (int) (t % capacity)).distinct().toArray();
      lastEvicted = List.copyOf(evicted);
    }
    long[] sources = last.values().stream().mapToLong(Integer::longValue).toArray();
    NDManager m = gallery.getManager();
    NDArray targetIndex = m.create(targets);
    if (journaling) {
      featureUndo.add(new NDArray[] {targetIndex, features.get(new NDIndex("{}", targetIndex))});
    }
    features.set(new NDIndex("{}", targetIndex), gallery.get(new NDIndex("{}", m.create(sources))));
    return target;
  }

  /** Rows of {@code labels} in the pool, or -1 (a "view": recency is not touched). */
  public int[] view(String[] labels) {
    int[] rows = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      rows[i] = lru.view(labels[i]);
    }
    return rows;
  }

  /**
   * Rows updated (written while their identity was already in the pool) in the current pass, in
   * first-update order.
   */
  public List<Integer> updatedRows() {
    return List.copyOf(updatedRows);
  }

  /**
   * Slot 0 of every row, [Q, D]. A copy when {@code copy}, so later writes or a rollback cannot
   * change it.
   */
  public NDArray slot0(boolean copy) {
    NDArray slot = features.get(new NDIndex("0:" + capacity));
    return copy ? slot.duplicate() : slot;
  }

  /**
   * The second logit set's class weights: slot 1 for rows updated in this pass, slot 0 for the
   * others. [Q, D]. The step uses the cheaper {@link #secondLogits}; this states what it computes.
   */
  public NDArray secondSlotWeights() {
    NDManager m = features.getManager();
    NDArray slot0 = features.get(new NDIndex("0:" + capacity));
    if (updatedRows.isEmpty()) {
      return slot0.duplicate();
    }
    NDArray slot1 = features.get(new NDIndex(capacity + ":" + (2 * capacity)));
    NDArray mask =
        m.create(Arrays.copyOf(updated, capacity))
            .reshape(capacity, 1)
            .broadcast(new Shape(capacity, dim));
    return NDArrays.where(mask, slot1, slot0);
  }

  /**
   * The second logit set from the first: cos2 = cos1 with the columns of the rows updated in this
   * pass replaced by the probes' cosines to those rows' slot 1. Equal to {@code probes .
   * secondSlotWeights()^T}, at the cost of a B x B product instead of a second B x Q one. The
   * replaced columns are padded to B (at most B rows can be updated by B writes) with rows that
   * keep their cos1 values, so a step costs the same however many rows were updated.
   */
  public NDArray secondLogits(NDArray probes, NDArray cos1) {
    NDManager m = probes.getManager();
    int width = (int) Math.min(capacity, probes.getShape().get(0));
    long[] rows = new long[width];
    boolean[] real = new boolean[width];
    int filled = 0;
    for (int row : updatedRows) {
      if (filled < width) {
        rows[filled] = row;
        real[filled++] = true;
      }
    }
    for (int row = 0; filled < width; row++) {
      if (!updated[row]) {
        rows[filled++] = row;
      }
    }
    NDArray columns =
        m.create(rows).reshape(1, width).broadcast(new Shape(probes.getShape().get(0), width));
    NDArray slot1Rows = features.get(new NDIndex("{}", m.create(rows).add(capacity)));
    NDArray replacement = probes.matMul(slot1Rows.transpose());
    NDArray isReal = m.create(real).reshape(1, width).broadcast(replacement.getShape());
    return cos1.scatter(columns, NDArrays.where(isReal, replacement, cos1.gather(columns, 1)), 1);
  }

  /**
   * Both slots of one row, slot 0 then slot 1 (2D floats): what the streaming job keeps per row in
   * RocksDB.
   */
  public float[] rowValues(int row) {
    try (NDArray both =
        features.get(
            new NDIndex("{}", features.getManager().create(new long[] {row, capacity + row})))) {
      return both.toFloatArray();
    }
  }

  /** Sets both slots of one row from {@link #rowValues}. */
  public void setRowValues(int row, float[] values) {
    try (NDArray index = features.getManager().create(new long[] {row, capacity + row});
        NDArray rows = features.getManager().create(values, new Shape(2, dim))) {
      features.set(new NDIndex("{}", index), rows);
    }
  }

  /**
   * Identities that the last kept pass pushed out of the pool (a caller that keeps rows by identity
   * drops theirs; one may also be back in a written row).
   */
  public List<String> lastEvicted() {
    return lastEvicted;
  }

  /** Rows written by the last kept pass (their features changed in this step). */
  public int[] lastWrittenRows() {
    return lastWritten.clone();
  }

  /** Copies every feature out onto the heap (tests compare pools by them). */
  public float[] featureValues() {
    return features.toFloatArray();
  }

  /** The state of one row, as the streaming job keeps it. */
  public PoolRow row(int row) {
    return rows(new int[] {row}).get(0);
  }

  /** The state of several rows, their features read in one gather. */
  public List<PoolRow> rows(int[] rows) {
    long[] index = new long[2 * rows.length];
    for (int i = 0; i < rows.length; i++) {
      index[2 * i] = rows[i];
      index[2 * i + 1] = capacity + rows[i];
    }
    float[] values;
    try (NDArray idx = features.getManager().create(index);
        NDArray both = features.get(new NDIndex("{}", idx))) {
      values = both.toFloatArray();
    }
    List<PoolRow> out = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      int row = rows[i];
      out.add(
          new PoolRow(
              row,
              lru.identityAt(row),
              toggle[row],
              lru.lastUsed(row),
              Arrays.copyOfRange(values, 2 * i * dim, 2 * (i + 1) * dim)));
    }
    return out;
  }

  /**
   * Restores rows (features, toggle, identity, last use) and the counters; rows not listed keep
   * their current features (for a fresh pool: the initial random ones) and hold no identity.
   */
  public void restore(List<PoolRow> rows, int rowsUsed, long useClock) {
    for (PoolRow row : rows) {
      if (row.features != null) {
        setRowValues(row.row, row.features);
      }
      toggle[row.row] = (byte) row.toggle;
    }
    lru.restore(rows, rowsUsed, useClock);
    Arrays.fill(updated, false);
    updatedRows.clear();
  }

  public byte[] toggles() {
    return toggle.clone();
  }

  private void setToggle(int row, int value) {
    if (journaling) {
      toggleUndo.add(new int[] {row, toggle[row]});
    }
    toggle[row] = (byte) value;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Override
  public void close() {
    manager.close();
  }
}
