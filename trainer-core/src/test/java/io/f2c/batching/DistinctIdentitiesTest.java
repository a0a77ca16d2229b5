package io.f2c.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctIdentitiesTest {
  private static IdentitySample sample(String id, float tag) {
    return new IdentitySample(id, new byte[] {(byte) tag}, new byte[] {(byte) tag});
  }

  private static List<String> ids(List<IdentitySample> samples) {
    return samples.stream().map(s -> s.identityId + s.first[0]).toList();
  }

  @Test
  void aBatchNeverHoldsOneIdentityTwiceAndTheRepeatWaitsInOrder() {
    Deque<IdentitySample> pending = new ArrayDeque<>();
    // a1 a2 b1 a3 c1 b2 d1: a batch of 3 takes a1 b1 c1; a2 a3 b2 d1 wait, in order.
    for (String s : new String[] {"a1", "a2", "b1", "a3", "c1", "b2", "d1"}) {
      pending.addLast(sample(s.substring(0, 1), s.charAt(1) - '0'));
    }
    assertEquals(List.of("a1", "b1", "c1"), ids(DistinctIdentities.take(pending, 3)));
    assertEquals(List.of("a2", "a3", "b2", "d1"), ids(List.copyOf(pending)));
    assertEquals(List.of("a2", "b2", "d1"), ids(DistinctIdentities.take(pending, 3)));
    // Only "a" is left: not enough distinct identities, nothing is taken.
    assertNull(DistinctIdentities.take(pending, 2));
    assertEquals(List.of("a3"), ids(List.copyOf(pending)));
  }
}
