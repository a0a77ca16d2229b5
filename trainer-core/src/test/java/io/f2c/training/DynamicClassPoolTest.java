package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DynamicClassPoolTest {
  private NDManager manager;
  private NDScope scope;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
    scope = new NDScope();
  }

  @AfterEach
  void tearDown() {
    scope.close();
    manager.close();
  }

  private NDArray rows(float... values) {
    return manager.create(values, new Shape(values.length / 2, 2));
  }

  /** Slot s of row r (Q = 3, D = 2). */
  private static float[] at(DynamicClassPool pool, int slot, int row) {
    float[] all = pool.featureValues();
    int i = (slot * pool.capacity() + row) * 2;
    return new float[] {all[i], all[i + 1]};
  }

  @Test
  void startsWithRandomUnitVectorsFromTheSeed() {
    try (DynamicClassPool a = new DynamicClassPool(manager, 3, 2, 7);
        DynamicClassPool b = new DynamicClassPool(manager, 3, 2, 7)) {
      assertArrayEquals(a.featureValues(), b.featureValues());
      for (int s = 0; s < 2; s++) {
        for (int r = 0; r < 3; r++) {
          float[] v = at(a, s, r);
          assertEquals(1.0, Math.hypot(v[0], v[1]), 1e-6);
        }
      }
      assertEquals(0.0, a.occupancy());
    }
  }

  @Test
  void newIdentityGoesToSlotZeroThenSlotsAlternate() {
    try (DynamicClassPool pool = new DynamicClassPool(manager, 3, 2, 1)) {
      pool.beginPass(false);
      long[] targets = pool.write(rows(1, 0), new String[] {"a"});
      assertArrayEquals(new long[] {0}, targets);
      assertArrayEquals(new float[] {1, 0}, at(pool, 0, 0));
      assertEquals(1, pool.toggle(0));
      assertEquals(List.of(), pool.updatedRows()); // a new identity is not an update

      pool.write(rows(0, 1), new String[] {"a"});
      assertArrayEquals(new float[] {0, 1}, at(pool, 1, 0));
      assertArrayEquals(new float[] {1, 0}, at(pool, 0, 0));
      assertEquals(0, pool.toggle(0));
      assertEquals(List.of(0), pool.updatedRows());

      pool.write(rows(0.6f, 0.8f), new String[] {"a"});
      assertArrayEquals(new float[] {0.6f, 0.8f}, at(pool, 0, 0));
      assertEquals(1, pool.toggle(0));
      pool.endPass();
      assertEquals(1 / 3.0, pool.occupancy(), 1e-9);
    }
  }

  @Test
  void repeatedIdentityInOneWriteUsesBothSlots() {
    try (DynamicClassPool pool = new DynamicClassPool(manager, 3, 2, 1)) {
      pool.beginPass(false);
      long[] targets = pool.write(rows(1, 0, 0, 1, 0.6f, 0.8f), new String[] {"b", "b", "b"});
      // slot 0, then slot 1, then slot 0 again: the last write to slot 0 wins.
      assertArrayEquals(new long[] {0, 3, 0}, targets);
      assertArrayEquals(new float[] {0.6f, 0.8f}, at(pool, 0, 0));
      assertArrayEquals(new float[] {0, 1}, at(pool, 1, 0));
      assertEquals(List.of(0), pool.updatedRows());
    }
  }

  @Test
  void fullPoolEvictsTheLeastRecentlyUsedAndViewsDoNotRefresh() {
    try (DynamicClassPool pool = new DynamicClassPool(manager, 3, 2, 1)) {
      pool.beginPass(false);
      pool.write(rows(1, 0, 0, 1, 1, 0), new String[] {"a", "b", "c"});
      assertArrayEquals(new int[] {0, 1, 2, -1}, pool.view(new String[] {"a", "b", "c", "d"}));
      pool.write(
          rows(0, 1), new String[] {"d"}); // a is least recent (the view above did not refresh it)
      assertArrayEquals(new int[] {-1, 1, 2, 0}, pool.view(new String[] {"a", "b", "c", "d"}));
      assertEquals(1, pool.toggle(0));
      assertArrayEquals(new float[] {0, 1}, at(pool, 0, 0));
      assertEquals(List.of(), pool.updatedRows());
      assertEquals(1.0, pool.occupancy());
    }
  }

  @Test
  void secondLogitSetUsesSlotOneOnlyForUpdatedRows() {
    try (DynamicClassPool pool = new DynamicClassPool(manager, 3, 2, 1)) {
      pool.beginPass(false);
      pool.write(rows(1, 0, 0, 1), new String[] {"a", "b"});
      pool.endPass();
      pool.beginPass(false);
      pool.write(rows(0.6f, 0.8f), new String[] {"a"}); // a updated: slot 1 of row 0
      float[] w = pool.secondSlotWeights().toFloatArray();
      float[] slot0 = pool.slot0(true).toFloatArray();
      assertArrayEquals(new float[] {0.6f, 0.8f}, new float[] {w[0], w[1]});
      assertArrayEquals(
          new float[] {slot0[2], slot0[3], slot0[4], slot0[5]},
          new float[] {w[2], w[3], w[4], w[5]});
      assertArrayEquals(new float[] {1, 0}, new float[] {slot0[0], slot0[1]});
      // The step's shortcut gives the same logits as scoring against these weights.
      NDArray probes = rows(0.6f, 0.8f, 1, 0, 0, 1);
      NDArray cos1 = probes.matMul(pool.slot0(true).transpose());
      assertArrayEquals(
          probes.matMul(pool.secondSlotWeights().transpose()).toFloatArray(),
          pool.secondLogits(probes, cos1).toFloatArray(),
          1e-6f);
      pool.beginPass(false); // a new pass forgets the previous pass's updates
      assertArrayEquals(slot0, pool.secondSlotWeights().toFloatArray());
    }
  }

  @Test
  void rollbackRestoresRowsTogglesAndLruOrderExactly() {
    try (DynamicClassPool pool = new DynamicClassPool(manager, 3, 2, 1)) {
      pool.beginPass(false);
      pool.write(rows(1, 0, 0, 1), new String[] {"a", "b"});
      pool.endPass();
      float[] features = pool.featureValues();
      byte[] toggles = pool.toggles();
      var order = pool.lru().mostRecentFirst();

      pool.beginPass(true);
      pool.write(
          rows(0.6f, 0.8f, 0.8f, 0.6f, -1, 0, 0, -1),
          new String[] {"a", "c", "d", "a"}); // update, fresh row, eviction of b, second update
      assertEquals(List.of(0), pool.updatedRows());
      pool.rollbackPass();

      assertArrayEquals(features, pool.featureValues());
      assertArrayEquals(toggles, pool.toggles());
      assertEquals(order, pool.lru().mostRecentFirst());
      assertEquals(2, pool.lru().rowsUsed());
      assertEquals(List.of(), pool.updatedRows());
      assertThrows(IllegalStateException.class, pool::rollbackPass);
    }
  }

  @Test
  void restoreRebuildsAnEqualPool() {
    try (DynamicClassPool pool = new DynamicClassPool(manager, 3, 2, 1);
        DynamicClassPool copy = new DynamicClassPool(manager, 3, 2, 1)) {
      pool.beginPass(false);
      pool.write(rows(1, 0, 0, 1, 0.6f, 0.8f), new String[] {"a", "b", "a"});
      pool.endPass();
      assertArrayEquals(new int[] {0, 1}, pool.lastWrittenRows());
      // Only the rows that ever held an identity are kept (as the streaming job does); the rest are
      // the seed's.
      List<PoolRow> rows =
          IntStream.range(0, 3)
              .filter(r -> pool.lru().identityAt(r) != null)
              .mapToObj(pool::row)
              .toList();
      copy.restore(rows, pool.lru().rowsUsed(), pool.lru().clock());
      assertArrayEquals(
          pool.row(2).features, new DynamicClassPool(manager, 3, 2, 1).row(2).features);
      assertArrayEquals(pool.featureValues(), copy.featureValues());
      assertArrayEquals(pool.toggles(), copy.toggles());
      pool.beginPass(false);
      copy.beginPass(false);
      pool.write(rows(0, -1, 1, 1), new String[] {"c", "d"});
      copy.write(rows(0, -1, 1, 1), new String[] {"c", "d"});
      assertArrayEquals(pool.featureValues(), copy.featureValues());
      assertEquals(pool.lru().mostRecentFirst(), copy.lru().mostRecentFirst());
    }
  }
}
