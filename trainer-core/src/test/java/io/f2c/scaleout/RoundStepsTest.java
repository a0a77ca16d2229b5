package io.f2c.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundStepsTest {
  @Test
  void theGlobalStepAddsEveryTrainersOwnStepsToTheLastRound() {
    // Last round ended at global step 100; trainer A took 7 steps since, B took 5.
    long global = RoundSteps.global(List.of(new RoundSteps(107, 7), new RoundSteps(105, 5)));
    assertEquals(112, global);
  }

  @Test
  void oneTrainerCountsItsOwnSteps() {
    assertEquals(42, RoundSteps.global(List.of(new RoundSteps(42, 42))));
    assertEquals(42, RoundSteps.global(List.of(new RoundSteps(42, 0))));
  }

  @Test
  void trainersFromDifferentRoundsCountFromTheLatest() {
    // A missed round 200 (it failed before receiving it); B received it and took 3 steps.
    long global = RoundSteps.global(List.of(new RoundSteps(190, 10), new RoundSteps(203, 3)));
    assertEquals(213, global);
  }

  @Test
  void moreStepsSinceTheRoundThanInAllAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RoundSteps(3, 4));
  }
}
