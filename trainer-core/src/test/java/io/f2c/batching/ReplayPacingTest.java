package io.f2c.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplayPacingTest {
  /** Sends {@code perSecond} images in each of the seconds [from, to). */
  private static void stream(ReplayPacing pacing, int perSecond, long fromSecond, long toSecond) {
    for (long s = fromSecond; s < toSecond; s++) {
      for (int k = 0; k < perSecond; k++) {
        pacing.arrived(s * 1000 + k * 1000L / perSecond);
      }
    }
  }

  @Test
  void theIntervalHoldsWhileTheBudgetCoversEveryIdentity() {
    ReplayPacing pacing = new ReplayPacing(60_000, 0.5, 0);
    assertEquals(60_000, pacing.delayMs(1_000), "before any image: the interval");
    stream(pacing, 100, 0, 5);
    // 100 images a second, half a replay each: 50 replays a second; 3,000 identities fit a minute.
    assertEquals(100, pacing.arrivalsPerSecond(), 1e-9);
    assertEquals(50, pacing.budgetPerSecond(), 1e-9);
    assertEquals(60_000, pacing.delayMs(3_000));
  }

  @Test
  void beyondTheBudgetTheIntervalStretchesToIdentitiesOverBudget() {
    ReplayPacing pacing = new ReplayPacing(60_000, 0.5, 0);
    stream(pacing, 100, 0, 5);
    assertEquals(60_020, pacing.delayMs(3_001), "just past the budget: 3,001 / 50 s");
    // A million identities at 50 replays a second: each one every 20,000 s.
    assertEquals(20_000_000, pacing.delayMs(1_000_000));
  }

  @Test
  void theRateFollowsActiveSecondsWithATimeConstantAndIgnoresPauses() {
    ReplayPacing pacing = new ReplayPacing(1_000, 1.0, 0);
    stream(pacing, 100, 0, 3);
    pacing.arrived(3_000); // closes second 2
    assertEquals(100, pacing.arrivalsPerSecond(), 1e-9);
    // One second of 200: the rate moves by a sixteenth of the difference.
    stream(pacing, 199, 3, 4); // 1 + 199 = 200 in second 3
    pacing.arrived(10_000); // a pause of 6 s: no zero seconds enter the rate
    assertEquals(100 + (200 - 100) / 16.0, pacing.arrivalsPerSecond(), 1e-9);
  }

  @Test
  void aRestoredRateIsUsedFromTheStart() {
    ReplayPacing pacing = new ReplayPacing(1_000, 0.25, 400);
    assertEquals(100, pacing.budgetPerSecond(), 1e-9);
    assertEquals(10_000, pacing.delayMs(1_000));
  }

  @Test
  void refusesSettingsThatCannotWork() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayPacing(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReplayPacing(1_000, 0, 0));
  }
}
