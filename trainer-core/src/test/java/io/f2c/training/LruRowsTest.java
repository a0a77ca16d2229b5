package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LruRowsTest {

  private static List<String> order(LruRows lru) {
    return lru.mostRecentFirst().stream().map(e -> e.getKey() + "@" + e.getValue()).toList();
  }

  @Test
  void freshRowsFirstThenTheLeastRecentlyUsedIdentityIsEvicted() {
    LruRows lru = new LruRows(3);
    assertEquals(0, lru.get("a"));
    assertEquals(1, lru.get("b"));
    assertEquals(2, lru.get("c"));
    assertEquals(0, lru.get("a")); // refresh: order a, c, b
    assertEquals(List.of("a@0", "c@2", "b@1"), order(lru));
    assertEquals(1, lru.get("d")); // b was least recent
    assertEquals(-1, lru.view("b"));
    assertEquals("d", lru.identityAt(1));
    assertEquals(List.of("d@1", "a@0", "c@2"), order(lru));
    assertEquals(3, lru.size());
  }

  @Test
  void everyUseStampsTheRowAndRollbackRestoresTheStamps() {
    LruRows lru = new LruRows(2);
    lru.get("a");
    lru.get("b");
    lru.get("a");
    assertEquals(3, lru.lastUsed(0));
    assertEquals(2, lru.lastUsed(1));
    assertEquals(3, lru.clock());
    lru.beginJournal();
    lru.get("c");
    assertEquals(4, lru.lastUsed(1));
    lru.rollback();
    assertEquals(2, lru.lastUsed(1));
    assertEquals(3, lru.clock());
  }

  @Test
  void viewDoesNotTouchRecency() {
    LruRows lru = new LruRows(2);
    lru.get("a");
    lru.get("b");
    assertEquals(0, lru.view("a")); // a stays least recent
    assertEquals(0, lru.get("c"));
    assertFalse(lru.contains("a"));
    assertEquals(List.of("c@0", "b@1"), order(lru));
  }

  @Test
  void rollbackRestoresRowsOrderAndFreeRowsExactly() {
    LruRows lru = new LruRows(4);
    lru.get("a");
    lru.get("b");
    lru.get("c");
    List<String> before = order(lru);
    lru.beginJournal();
    lru.get("b");
    lru.get("d"); // last fresh row
    lru.get("e"); // evicts a
    lru.get("a"); // evicts c, a comes back on another row
    lru.rollback();
    assertEquals(before, order(lru));
    assertEquals(3, lru.rowsUsed());
    assertEquals(-1, lru.view("d"));
    assertEquals(-1, lru.view("e"));
    assertEquals(0, lru.view("a"));
    // And it keeps working normally afterwards.
    assertEquals(3, lru.get("z"));
    assertEquals(0, lru.get("y")); // a is least recent
  }

  @Test
  void committedChangesStayAndRestoreRebuildsFromAListing() {
    LruRows lru = new LruRows(3);
    lru.beginJournal();
    lru.get("a");
    lru.get("b");
    lru.commit();
    assertEquals(List.of("b@1", "a@0"), order(lru));
    LruRows copy = new LruRows(3);
    List<PoolRow> rows = new ArrayList<>();
    for (int row = 0; row < 3; row++) {
      rows.add(new PoolRow(row, lru.identityAt(row), 0, lru.lastUsed(row), null));
    }
    Collections.shuffle(rows, new Random(3)); // the stamps, not the listing order, give recency
    copy.restore(rows, lru.rowsUsed(), lru.clock());
    assertEquals(order(lru), order(copy));
    assertEquals(2, copy.get("c"));
    assertEquals(0, copy.get("d"));
    assertEquals(
        List.of(Map.entry("d", 0), Map.entry("c", 2), Map.entry("b", 1)), copy.mostRecentFirst());
  }
}
