package io.f2c.job.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.ingest.DecodedFace;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The dual loader's two operators through Flink's operator test harnesses. */
class LoadersTest {

  /** Face k of an identity: a one-pixel "image" holding k, so outputs can be traced back. */
  private static StreamRecord<DecodedFace> face(String identity, int k) {
    return new StreamRecord<>(
        new DecodedFace(identity, identity + "/" + k, 0L, new byte[] {(byte) k}));
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, DecodedFace, IdentitySample>
      identityLoader() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new IdentityBatcher(3, 1000, 1.0, 1.0, 7)),
        f -> f.identityId,
        Types.STRING);
  }

  @Test
  void identityLoaderPairsANewImageWithAStoredOneKeepsAReservoirAndReplays() throws Exception {
    OperatorSubtaskState checkpoint;
    try (var harness = identityLoader()) {
      harness.open();
      harness.setProcessingTime(0);
      // An identity's first image pairs with itself (the trainer mirrors each copy on its own).
      harness.processElement(face("solo", 1));
      harness.processElement(face("a", 1));
      List<IdentitySample> firsts = harness.extractOutputValues();
      assertEquals(List.of("solo", "a"), firsts.stream().map(s -> s.identityId).toList());
      for (IdentitySample s : firsts) {
        assertEquals(1, s.first[0]);
        assertEquals(1, s.second[0]);
      }
      harness.processElement(face("a", 2));
      List<IdentitySample> samples = harness.extractOutputValues();
      assertEquals(3, samples.size());
      assertEquals("a", samples.get(2).identityId);
      assertEquals(2, samples.get(2).first[0]);
      assertEquals(1, samples.get(2).second[0]);
      for (int k = 3; k <= 20; k++) {
        harness.processElement(face("a", k));
      }
      // From its second image on, every sample pairs two different images of "a", the second
      // always from the reservoir.
      List<IdentitySample> all = harness.extractOutputValues();
      for (IdentitySample s : all.subList(2, all.size())) {
        assertNotEquals(s.first[0], s.second[0]);
      }
      assertTrue(all.stream().noneMatch(s -> s.replay), "new images are new arrivals");
      assertEquals(
          20L,
          harness.getSideOutput(IdentityBatcher.REGISTRY).stream()
              .filter(r -> r.getValue().identityId.equals("a"))
              .mapToLong(r -> r.getValue().images)
              .max()
              .orElse(0));
      int before = harness.extractOutputValues().size();
      harness.setProcessingTime(1000); // the replay timers of "solo" and "a" fire
      List<IdentitySample> after = harness.extractOutputValues();
      assertEquals(before + 2, after.size());
      for (IdentitySample replay : after.subList(before, after.size())) {
        assertTrue(replay.replay, "marked as a replay for the trainer's mix");
        if (replay.identityId.equals("a")) {
          assertNotEquals(replay.first[0], replay.second[0]);
        } else {
          assertEquals("solo", replay.identityId);
          assertEquals(1, replay.second[0]); // its one image, with itself
        }
      }
      checkpoint = harness.snapshot(1, 1000);
    }
    try (var restored = identityLoader()) {
      restored.initializeState(checkpoint);
      restored.open();
      restored.processElement(
          face("solo", 2)); // the restored registry knows "solo": this is its second image
      List<IdentitySample> soloPair = restored.extractOutputValues();
      assertEquals(1, soloPair.size());
      assertEquals(2, soloPair.get(0).first[0]);
      assertEquals(1, soloPair.get(0).second[0], "paired with the image kept before the restore");
      assertEquals(2L, restored.getSideOutput(IdentityBatcher.REGISTRY).peek().getValue().images);
    }
  }

  @Test
  void replaysKeepToTheArrivalPaceWhenIdentitiesOutnumberTheInterval() throws Exception {
    // A 1 s interval, half a replay per arriving image, 100 images a second: a budget of 50
    // replays a second. 2,000 identities at a 1 s interval would be 2,000 replays a second.
    int identities = 2_000;
    try (var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new IdentityBatcher(3, 1000, 1.0, 0.5, 7)),
            (DecodedFace f) -> f.identityId,
            Types.STRING)) {
      harness.open();
      Map<String, Integer> replayed = new HashMap<>();
      long replaysFrom60s = 0;
      for (int k = 0; k < 100 * 120; k++) {
        long now = k * 10L;
        harness.setProcessingTime(now);
        harness.processElement(face("id" + (k % identities), k / identities + 1));
        for (IdentitySample s : harness.extractOutputValues()) {
          if (s.replay) {
            replayed.merge(s.identityId, 1, Integer::sum);
            replaysFrom60s += now >= 60_000 ? 1 : 0;
          }
        }
        harness.getOutput().clear();
      }
      double perSecond = replaysFrom60s / 60.0;
      assertTrue(
          perSecond > 35 && perSecond < 65,
          "replays follow the budget of 50 a second, not the identities: " + perSecond);
      assertEquals(identities, replayed.size(), "every identity is replayed in its turn");
    }
  }

  @Test
  void replayTimersOfARestoredStateLapseWhenReplaysAreSwitchedOff() throws Exception {
    OperatorSubtaskState checkpoint;
    try (var harness = identityLoader()) {
      harness.open();
      harness.setProcessingTime(0);
      harness.processElement(face("a", 1)); // sets a's replay timer at 1,000
      checkpoint = harness.snapshot(1, 1);
    }
    try (var restored =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new IdentityBatcher(3, 0, 1.0, 1.0, 7)),
            (DecodedFace f) -> f.identityId,
            Types.STRING)) {
      restored.initializeState(checkpoint);
      restored.open();
      assertEquals(1, restored.numProcessingTimeTimers(), "the timer came back with the state");
      restored.setProcessingTime(10_000);
      assertTrue(restored.extractOutputValues().isEmpty(), "no replay with replays switched off");
      assertEquals(0, restored.numProcessingTimeTimers(), "and no new timer");
    }
  }

  @Test
  void instanceLoaderShufflesThroughABoundedBufferAndLosesNothingAcrossARestore() throws Exception {
    OperatorSubtaskState checkpoint;
    Set<Byte> seen = new HashSet<>();
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new InstanceBatcher(2, 4, 1)))) {
      harness.open();
      for (int k = 0; k < 5; k++) {
        harness.processElement(face("id" + k, k));
      }
      // A batch leaves whenever the buffer holds 4 faces: one batch of 2 after the 4th face; 3
      // faces wait.
      List<InstanceBatchRecord> batches = harness.extractOutputValues();
      assertEquals(1, batches.size());
      for (byte v : batches.get(0).images) {
        seen.add(v);
      }
      checkpoint = harness.snapshot(1, 1);
    }
    try (var restored =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new InstanceBatcher(2, 4, 1)))) {
      restored.initializeState(checkpoint);
      restored.open();
      for (int k = 5; k < 9; k++) {
        restored.processElement(face("id" + k, k));
      }
      for (InstanceBatchRecord batch : restored.extractOutputValues()) {
        for (int i = 0; i < 2; i++) {
          assertEquals(
              "id" + (int) batch.images[i], batch.labels[i], "labels travel with their images");
          assertTrue(seen.add(batch.images[i]), "no face leaves twice");
        }
      }
      assertEquals(6, seen.size()); // 3 batches of 2 from 9 faces; 3 still buffered
    }
  }
}
