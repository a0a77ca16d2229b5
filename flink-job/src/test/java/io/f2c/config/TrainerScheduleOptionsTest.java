package io.f2c.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.f2c.training.LearningRateSchedule;
import org.junit.jupiter.api.Test;

/** The learning-rate schedule a user gets from --lr, --warmup-steps and the two decay flags. */
class TrainerScheduleOptionsTest {

  @Test
  void milestonesGiveStepDecayByTenAtEachStep() {
    LearningRateSchedule schedule =
        schedule("--lr", "0.1", "--warmup-steps", "10", "--lr-milestones", "100, 200,300");
    // Warm-up from a tenth: step 0 is 0.1 * (0.1 + 0.9 / 10).
    assertEquals(0.019f, schedule.at(0), 1e-6f);
    assertEquals(0.1f, schedule.at(10), 1e-7f);
    assertEquals(0.1f, schedule.at(99), 1e-7f);
    assertEquals(0.01f, schedule.at(100), 1e-8f);
    assertEquals(0.001f, schedule.at(250), 1e-9f);
    assertEquals(0.0001f, schedule.at(300), 1e-10f);
    assertEquals(0.0001f, schedule.at(1_000_000), 1e-10f);
  }

  @Test
  void withoutDecayFlagsTheRateStaysAtTheBase() {
    LearningRateSchedule schedule = schedule("--lr", "0.05");
    assertEquals(0.05f, schedule.at(100), 0f);
    assertEquals(0.05f, schedule.at(1_000_000), 0f);
  }

  @Test
  void cosineDecayEndsAtTheFinalFraction() {
    LearningRateSchedule schedule =
        schedule("--lr", "0.1", "--warmup-steps", "10", "--lr-decay-steps", "100");
    assertEquals(0.1f, schedule.at(10), 1e-7f);
    assertEquals(0.1f * (0.02f + 0.98f * 0.5f), schedule.at(60), 1e-6f);
    assertEquals(0.002f, schedule.at(110), 1e-7f);
  }

  @Test
  void conflictingOrMalformedSchedulesSayWhatWasWrong() {
    assertEquals(
        "--lr-decay-steps (cosine decay) and --lr-milestones (step decay) are two schedules: "
            + "give one of them",
        message("--lr-decay-steps", "100", "--lr-milestones", "200"));
    assertEquals(
        "--lr-milestones must come after the warm-up: the first is 50, --warmup-steps is 100",
        message("--lr-milestones", "50,200"));
    assertEquals(
        "invalid value '300,200' for --lr-milestones: milestones are 'none' or increasing step "
            + "numbers like 2000,3000,3600",
        message("--lr-milestones", "300,200"));
    assertEquals(
        "invalid value '100,' for --lr-milestones: milestones are 'none' or increasing step "
            + "numbers like 2000,3000,3600",
        message("--lr-milestones", "100,"));
  }

  private static LearningRateSchedule schedule(String... args) {
    return TrainerSettings.schedule(F2cConfig.parse(JobOptions.TRAINING, args));
  }

  private static String message(String... args) {
    return assertThrows(F2cConfig.UsageException.class, () -> schedule(args)).getMessage();
  }
}
