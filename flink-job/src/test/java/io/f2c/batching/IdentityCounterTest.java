package io.f2c.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.f2c.ingest.DecodedFace;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class IdentityCounterTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, DecodedFace, IdentityCount> harness()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new IdentityCounter()),
        face -> face.identityId, Types.STRING);
  }

  private static StreamRecord<DecodedFace> face(String identity) {
    return new StreamRecord<>(new DecodedFace(identity, identity + "/x", 0L, new float[] {0f}));
  }

  @Test
  void countsPerIdentityAndKeepsCountsAcrossASnapshotRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      harness.open();
      harness.setProcessingTime(100);
      harness.processElement(face("a"));
      harness.processElement(face("b"));
      harness.setProcessingTime(200);
      harness.processElement(face("a"));
      assertEquals(List.of("a=1", "b=1", "a=2"), strings(harness.extractOutputValues()));
      assertEquals(100L, harness.extractOutputValues().get(2).firstSeenMillis);
      snapshot = harness.snapshot(1L, 300L);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(400);
      restored.processElement(face("a"));
      restored.processElement(face("c"));
      List<IdentityCount> out = restored.extractOutputValues();
      assertEquals(List.of("a=3", "c=1"), strings(out));
      assertEquals(100L, out.get(0).firstSeenMillis);
      assertEquals(400L, out.get(1).firstSeenMillis);
    }
  }

  private static List<String> strings(List<IdentityCount> counts) {
    return counts.stream().map(IdentityCount::toString).collect(Collectors.toList());
  }
}
