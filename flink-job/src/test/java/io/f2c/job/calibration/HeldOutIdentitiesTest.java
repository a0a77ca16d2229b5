package io.f2c.job.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.f2c.job.ingest.DecodedFace;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class HeldOutIdentitiesTest {
  @Test
  void aboutTheShareOfIdentitiesIsHeldOutAndAnIdentityAlwaysGoesTheSameWay() {
    long held =
        IntStream.range(0, 20_000)
            .filter(i -> HeldOutIdentities.isHeldOut("person-" + i, 0.05))
            .count();
    // Binomial(20,000, 0.05): mean 1,000, standard deviation 31; 5 deviations either side.
    assertEquals(1_000, held, 155);
    assertFalse(HeldOutIdentities.isHeldOut("person-1", 0));
    for (int i = 0; i < 100; i++) {
      assertEquals(
          HeldOutIdentities.isHeldOut("person-" + i, 0.3),
          HeldOutIdentities.isHeldOut(new String("person-" + i), 0.3));
    }
  }

  @Test
  void heldOutFacesGoToTheSideOutputAndTheRestToTraining() throws Exception {
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new HeldOutIdentities(0.3)))) {
      harness.open();
      List<String> ids = IntStream.range(0, 200).mapToObj(i -> "p" + i).toList();
      for (String id : ids) {
        harness.processElement(new StreamRecord<>(new DecodedFace(id, id + "/1", 0, new byte[1])));
      }
      List<String> training =
          harness.extractOutputValues().stream().map(f -> f.identityId).toList();
      List<String> heldOut =
          harness.getSideOutput(HeldOutIdentities.HELD_OUT).stream()
              .map(r -> r.getValue().identityId)
              .toList();
      assertEquals(
          ids.stream().filter(id -> !HeldOutIdentities.isHeldOut(id, 0.3)).toList(), training);
      assertEquals(
          ids.stream().filter(id -> HeldOutIdentities.isHeldOut(id, 0.3)).toList(), heldOut);
      assertEquals(200, training.size() + heldOut.size());
    }
  }

  @Test
  void aShareOfOneWouldTrainOnNothingAndIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new HeldOutIdentities(1.0));
  }
}
