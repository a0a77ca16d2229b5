package io.f2c.batching;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Takes identity batches from the samples waiting for the trainer: the oldest samples of distinct
 * identities. A second sample of an identity already in the batch waits, in its place, for a later
 * batch, so no identity batch holds one identity twice (two rows of one identity would be scored as
 * each other's negatives in the pool).
 */
public final class DistinctIdentities {
  private DistinctIdentities() {}

  /**
   * Removes and returns the oldest {@code size} samples of distinct identities from {@code
   * pending}, or returns null and leaves {@code pending} as it was when it holds fewer distinct
   * identities than that.
   */
  public static List<IdentitySample> take(Deque<IdentitySample> pending, int size) {
    Set<String> seen = new HashSet<>();
    for (IdentitySample sample : pending) {
      if (seen.add(sample.identityId) && seen.size() == size) {
        break;
      }
    }
    if (seen.size() < size) {
      return null;
    }
    List<IdentitySample> batch = new ArrayList<>(size);
    Set<String> taken = new HashSet<>();
    for (Iterator<IdentitySample> it = pending.iterator(); batch.size() < size; ) {
      IdentitySample sample = it.next();
      if (taken.add(sample.identityId)) {
        batch.add(sample);
        it.remove();
      }
    }
    return batch;
  }
}
