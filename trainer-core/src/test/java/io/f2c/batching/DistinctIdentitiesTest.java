package io.f2c.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctIdentitiesTest {
  /** "a1": identity a, tag 1, a new arrival; "A1": a replay of identity a. */
  private static IdentitySample sample(String name) {
    byte tag = (byte) (name.charAt(1) - '0');
    boolean replay = Character.isUpperCase(name.charAt(0));
    String id = name.substring(0, 1).toLowerCase();
    return new IdentitySample(id, new byte[] {tag}, new byte[] {tag}, replay);
  }

  private static Deque<IdentitySample> pending(String... names) {
    Deque<IdentitySample> pending = new ArrayDeque<>();
    for (String name : names) {
      pending.addLast(sample(name));
    }
    return pending;
  }

  private static List<String> names(List<IdentitySample> samples) {
    return samples.stream()
        .map(s -> (s.replay ? s.identityId.toUpperCase() : s.identityId) + s.first[0])
        .toList();
  }

  @Test
  void aBatchNeverHoldsOneIdentityTwiceAndTheRepeatWaitsInOrder() {
    // a1 a2 b1 a3 c1 b2 d1, all new: a batch of 3 takes a1 b1 c1; a2 a3 b2 d1 wait, in order.
    Deque<IdentitySample> pending = pending("a1", "a2", "b1", "a3", "c1", "b2", "d1");
    assertEquals(List.of("a1", "b1", "c1"), names(DistinctIdentities.take(pending, 3, 0.5)));
    assertEquals(List.of("a2", "a3", "b2", "d1"), names(List.copyOf(pending)));
    assertEquals(List.of("a2", "b2", "d1"), names(DistinctIdentities.take(pending, 3, 0.5)));
    // Only "a" is left: not enough distinct identities, nothing is taken.
    assertNull(DistinctIdentities.take(pending, 2, 0.5));
    assertEquals(List.of("a3"), names(List.copyOf(pending)));
  }

  @Test
  void halfTheBatchIsReplaysWhenTheNewestIdentitiesCrowdTheQueue() {
    // Replays of old identities A-D wait among a burst of new identities e-l (the stream's newest).
    Deque<IdentitySample> pending =
        pending("e1", "A1", "f1", "g1", "B1", "h1", "i1", "C1", "j1", "k1", "D1", "l1");
    List<IdentitySample> batch = DistinctIdentities.take(pending, 4, 0.5);
    // Two replays (the oldest, A and B) and two new arrivals (the oldest, e and f), in queue order.
    assertEquals(List.of("e1", "A1", "f1", "B1"), names(batch));
    // Without a replay share the same queue gives the four oldest new arrivals.
    Deque<IdentitySample> same =
        pending("e1", "A1", "f1", "g1", "B1", "h1", "i1", "C1", "j1", "k1", "D1", "l1");
    assertEquals(List.of("e1", "f1", "g1", "h1"), names(DistinctIdentities.take(same, 4, 0.0)));
    // All replays.
    Deque<IdentitySample> again =
        pending("e1", "A1", "f1", "g1", "B1", "h1", "i1", "C1", "j1", "k1", "D1", "l1");
    assertEquals(List.of("A1", "B1", "C1", "D1"), names(DistinctIdentities.take(again, 4, 1.0)));
  }

  @Test
  void theCompositionOfManyBatchesFollowsTheShare() {
    // A queue fed like the job's: per step 24 new arrivals and 12 replays (both more than a batch
    // of 16 at share 1/4 takes), 400 new and 300 replayed identities; the oldest beyond 64 are
    // dropped, as TrainingFunction does.
    Deque<IdentitySample> pending = new ArrayDeque<>();
    int replays = 0;
    int rows = 0;
    int tick = 0;
    for (int step = 0; step < 200; step++) {
      for (int i = 0; i < 12; i++, tick++) {
        pending.addLast(sample("n" + (tick % 400), false));
        pending.addLast(sample("n" + ((tick + 200) % 400), false));
        pending.addLast(sample("r" + (tick % 300), true));
      }
      while (pending.size() > 64) {
        pending.removeFirst();
      }
      List<IdentitySample> batch = DistinctIdentities.take(pending, 16, 0.25);
      assertEquals(16, new HashSet<>(batch.stream().map(s -> s.identityId).toList()).size());
      replays += (int) batch.stream().filter(s -> s.replay).count();
      rows += batch.size();
    }
    assertEquals(0.25, replays / (double) rows, 1e-9, "4 of every 16 rows are replays");
  }

  private static IdentitySample sample(String id, boolean replay) {
    return new IdentitySample(id, new byte[] {1}, new byte[] {1}, replay);
  }

  @Test
  void aShortKindIsFilledByTheOther() {
    // Only one replay waits: the batch of 4 at share 0.5 takes it and three new arrivals.
    Deque<IdentitySample> pending = pending("a1", "b1", "C1", "d1", "e1");
    assertEquals(List.of("a1", "b1", "C1", "d1"), names(DistinctIdentities.take(pending, 4, 0.5)));
    // No new arrivals: replays fill the whole batch.
    Deque<IdentitySample> onlyReplays = pending("A1", "B1", "C1");
    assertEquals(List.of("A1", "B1", "C1"), names(DistinctIdentities.take(onlyReplays, 3, 0.0)));
  }

  @Test
  void aShareOutsideTheUnitIntervalIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> DistinctIdentities.take(pending("a1"), 1, 1.5));
  }

  @Test
  void aStreamWithFewerIdentitiesThanABatchTrainsOnceInstanceBatchesBackUp() {
    // Two identities wait, a batch takes 4: with one instance batch waiting the trainer waits.
    Deque<IdentitySample> pending = pending("a1", "b1", "a2");
    assertNull(DistinctIdentities.forStep(pending, 4, 0.5, 1));
    assertEquals(3, pending.size());
    // With two, it trains on every waiting identity once; a's second sample waits.
    assertEquals(List.of("a1", "b1"), names(DistinctIdentities.forStep(pending, 4, 0.5, 2)));
    assertEquals(List.of("a2"), names(List.copyOf(pending)));
    // One identity alone never makes a batch, whatever waits.
    assertNull(DistinctIdentities.forStep(pending, 4, 0.5, 10));
    // Enough identities: a full batch, as take gives it, backlog or not.
    Deque<IdentitySample> many = pending("a1", "b1", "c1", "d1", "e1");
    assertEquals(
        List.of("a1", "b1", "c1", "d1"), names(DistinctIdentities.forStep(many, 4, 0.5, 5)));
    assertEquals(2, DistinctIdentities.count(pending("a1", "b1", "a2", "B3")));
  }
}
