package io.f2c.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Dynamic Class Pool's identity -> row map with least-recently-used eviction (plain Java, no
 * tensors).
 *
 * <p>Rows are handed out in order 0, 1, 2, ... until all {@code capacity} rows are used; after that
 * a new identity takes the row of the least recently used one. {@link #get} refreshes recency,
 * {@link #view} does not. Recency is a doubly linked list over rows (head = most recent), so every
 * operation is O(1).
 *
 * <p>Between {@link #beginJournal()} and {@link #rollback()} every change is journaled and undone
 * exactly (F2C's first pass must leave no trace); {@link #commit()} drops the journal. The journal
 * costs O(changes), not O(capacity).
 */
public final class LruRows {
  private static final int NONE = -1;

  private final int capacity;
  private final Map<String, Integer> rowOf = new HashMap<>();
  private final String[] identityAt;
  private final int[] prev;
  private final int[] next;
  private int head = NONE;
  private int tail = NONE;
  private final long[] lastUsed;
  private long clock;
  private int used;
  private String lastEvicted;

  private boolean journaling;
  private final List<Runnable> undo = new ArrayList<>();

  public LruRows(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("pool capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
    this.identityAt = new String[capacity];
    this.prev = new int[capacity];
    this.next = new int[capacity];
    this.lastUsed = new long[capacity];
  }

  public int capacity() {
    return capacity;
  }

  /** Number of identities in the pool. */
  public int size() {
    return rowOf.size();
  }

  /** The row of {@code identity}, or -1; does not touch recency. */
  public int view(String identity) {
    Integer row = rowOf.get(identity);
    return row == null ? NONE : row;
  }

  public boolean contains(String identity) {
    return rowOf.containsKey(identity);
  }

  /** The identity held by {@code row}, or null. */
  public String identityAt(int row) {
    return identityAt[row];
  }

  /**
   * The row of {@code identity}, made most recent. A new identity gets a fresh row while there is
   * one, else the row of the least recently used identity, which leaves the pool.
   */
  public int get(String identity) {
    setClock(clock + 1);
    lastEvicted = null;
    Integer existing = rowOf.get(identity);
    if (existing != null) {
      setLastUsed(existing, clock);
      moveToFront(existing);
      return existing;
    }
    int row;
    if (used < capacity) {
      row = used;
      setUsed(used + 1);
    } else {
      row = tail;
      unlink(row);
      lastEvicted = identityAt[row];
      mapRemove(identityAt[row]);
    }
    setIdentityAt(row, identity);
    setLastUsed(row, clock);
    mapPut(identity, row);
    linkFront(row);
    return row;
  }

  /** The identity that the last {@link #get} pushed out of the pool, or null. */
  public String lastEvicted() {
    return lastEvicted;
  }

  /**
   * The use counter: every {@link #get} advances it and stamps the row, so the LRU order is the
   * stamps' order.
   */
  public long clock() {
    return clock;
  }

  /** When {@code row} was last used (0: never). */
  public long lastUsed(int row) {
    return lastUsed[row];
  }

  /** Identities with their rows, most recently used first (what a snapshot stores). */
  public List<Map.Entry<String, Integer>> mostRecentFirst() {
    List<Map.Entry<String, Integer>> order = new ArrayList<>(rowOf.size());
    for (int row = head; row != NONE; row = next[row]) {
      order.add(Map.entry(identityAt[row], row));
    }
    return order;
  }

  /**
   * Rebuilds the map from rows {identity, row, last-used stamp} in any order (the order of the
   * stamps is the LRU order), the number of rows handed out so far and the use counter.
   */
  public void restore(List<PoolRow> rows, int rowsUsed, long useClock) {
    if (journaling) {
      throw new IllegalStateException("cannot restore while a pass is journaled");
    }
    rowOf.clear();
    Arrays.fill(identityAt, null);
    Arrays.fill(lastUsed, 0);
    head = NONE;
    tail = NONE;
    used = rowsUsed;
    clock = useClock;
    List<PoolRow> held = new ArrayList<>();
    for (PoolRow row : rows) {
      if (row.identity != null) {
        held.add(row);
      }
    }
    held.sort(
        Comparator.comparingLong(r -> r.lastUsed)); // least recent first: each goes to the front
    for (PoolRow row : held) {
      identityAt[row.row] = row.identity;
      lastUsed[row.row] = row.lastUsed;
      rowOf.put(row.identity, row.row);
      linkFront(row.row);
    }
  }

  /** Rows handed out so far (rows at or past this index have never held an identity). */
  public int rowsUsed() {
    return used;
  }

  public void beginJournal() {
    if (journaling) {
      throw new IllegalStateException("a pass is already journaled");
    }
    journaling = true;
    undo.clear();
  }

  /** Undoes every change since {@link #beginJournal()}. */
  public void rollback() {
    requireJournal();
    journaling = false;
    for (int i = undo.size() - 1; i >= 0; i--) {
      undo.get(i).run();
    }
    undo.clear();
  }

  /** Keeps the changes since {@link #beginJournal()}. */
  public void commit() {
    requireJournal();
    journaling = false;
    undo.clear();
  }

  private void requireJournal() {
    if (!journaling) {
      throw new IllegalStateException("no journaled pass");
    }
  }

  private void moveToFront(int row) {
    if (row != head) {
      unlink(row);
      linkFront(row);
    }
  }

  private void unlink(int row) {
    int p = prev[row];
    int n = next[row];
    if (p != NONE) {
      setNext(p, n);
    } else {
      setHead(n);
    }
    if (n != NONE) {
      setPrev(n, p);
    } else {
      setTail(p);
    }
  }

  private void linkFront(int row) {
    setPrev(row, NONE);
    setNext(row, head);
    if (head != NONE) {
      setPrev(head, row);
    }
    setHead(row);
    if (tail == NONE) {
      setTail(row);
    }
  }

  // Every mutation goes through these, so the journal sees all of them.

  private void setPrev(int row, int value) {
    if (journaling) {
      int old = prev[row];
      undo.add(() -> prev[row] = old);
    }
    prev[row] = value;
  }

  private void setNext(int row, int value) {
    if (journaling) {
      int old = next[row];
      undo.add(() -> next[row] = old);
    }
    next[row] = value;
  }

  private void setHead(int value) {
    if (journaling) {
      int old = head;
      undo.add(() -> head = old);
    }
    head = value;
  }

  private void setTail(int value) {
    if (journaling) {
      int old = tail;
      undo.add(() -> tail = old);
    }
    tail = value;
  }

  private void setClock(long value) {
    if (journaling) {
      long old = clock;
      undo.add(() -> clock = old);
    }
    clock = value;
  }

  private void setLastUsed(int row, long value) {
    if (journaling) {
      long old = lastUsed[row];
      undo.add(() -> lastUsed[row] = old);
    }
    lastUsed[row] = value;
  }

  private void setUsed(int value) {
    if (journaling) {
      int old = used;
      undo.add(() -> used = old);
    }
    used = value;
  }

  private void setIdentityAt(int row, String identity) {
    if (journaling) {
      String old = identityAt[row];
      undo.add(() -> identityAt[row] = old);
    }
    identityAt[row] = identity;
  }

  private void mapPut(String identity, int row) {
    if (journaling) {
      undo.add(() -> rowOf.remove(identity));
    }
    rowOf.put(identity, row);
  }

  private void mapRemove(String identity) {
    Integer old = rowOf.remove(identity);
    if (journaling && old != null) {
      undo.add(() -> rowOf.put(identity, old));
    }
  }
}
