package io.f2c.batching;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Takes identity batches from the samples waiting for the trainer: samples of distinct identities,
 * a stated share of them replays of known identities and the rest new arrivals, each kind oldest
 * first.
 *
 * <p>Distinct, because two rows of one identity in a batch would be scored as each other's
 * negatives in the pool: a second sample of an identity already in the batch waits, in its place,
 * for a later batch. Mixed, because a stream that brings new identities would otherwise fill the
 * batches with its newest identities, where the authors' loader draws every identity alike; the
 * replays (every known identity, in turn) stand for the identities the stream has moved past. When
 * one kind is short the other fills in, so the trainer never waits while a batch can be formed.
 */
public final class DistinctIdentities {
  private DistinctIdentities() {}

  /** Instance batches waiting that show the trainer is held up by identities, not by images. */
  public static final int BACKLOG_FOR_A_SMALLER_BATCH = 2;

  /** The fewest identities a smaller batch trains with. */
  public static final int FEWEST_IDENTITIES = 2;

  /**
   * The identity batch for the next step, or null to wait. A full batch of {@code size} when that
   * many distinct identities wait; otherwise, once {@link #BACKLOG_FOR_A_SMALLER_BATCH} instance
   * batches wait, a smaller batch of every waiting identity (at least {@link #FEWEST_IDENTITIES}):
   * a stream starts with few identities, and one that never brings {@code size} of them would
   * otherwise never train.
   *
   * @param instanceBatchesWaiting instance batches queued for the trainer
   */
  public static List<IdentitySample> forStep(
      Deque<IdentitySample> pending, int size, double replayShare, int instanceBatchesWaiting) {
    List<IdentitySample> full = take(pending, size, replayShare);
    if (full != null || instanceBatchesWaiting < BACKLOG_FOR_A_SMALLER_BATCH) {
      return full;
    }
    int waiting = count(pending);
    return waiting >= FEWEST_IDENTITIES ? take(pending, waiting, replayShare) : null;
  }

  /** Distinct identities among {@code samples}. */
  public static int count(Collection<IdentitySample> samples) {
    Set<String> seen = new HashSet<>();
    samples.forEach(sample -> seen.add(sample.identityId));
    return seen.size();
  }

  /**
   * Removes and returns {@code size} samples of distinct identities from {@code pending}: {@code
   * round(replayShare * size)} replays and the rest new arrivals, oldest first within each kind,
   * one kind filling in for the other where it is short. Returns null and leaves {@code pending} as
   * it was when it holds fewer distinct identities than {@code size}.
   *
   * @param replayShare share of the batch reserved for replays, in [0, 1]
   */
  public static List<IdentitySample> take(
      Deque<IdentitySample> pending, int size, double replayShare) {
    if (!(replayShare >= 0 && replayShare <= 1)) {
      throw new IllegalArgumentException("replay share must be in [0, 1], was " + replayShare);
    }
    // Each identity's oldest waiting sample is its candidate, whatever its kind.
    Set<String> seen = new HashSet<>();
    List<IdentitySample> replays = new ArrayList<>();
    List<IdentitySample> arrivals = new ArrayList<>();
    for (IdentitySample sample : pending) {
      if (seen.add(sample.identityId)) {
        (sample.replay ? replays : arrivals).add(sample);
      }
    }
    if (seen.size() < size) {
      return null;
    }
    int wantReplays = (int) Math.round(replayShare * size);
    int fromReplays = Math.min(replays.size(), Math.max(wantReplays, size - arrivals.size()));
    int fromArrivals = size - fromReplays;
    Set<IdentitySample> chosen = Collections.newSetFromMap(new IdentityHashMap<>());
    chosen.addAll(replays.subList(0, fromReplays));
    chosen.addAll(arrivals.subList(0, fromArrivals));
    List<IdentitySample> batch = new ArrayList<>(size);
    pending.removeIf(
        sample -> {
          if (chosen.contains(sample)) {
            batch.add(sample);
            return true;
          }
          return false;
        });
    return batch;
  }
}
