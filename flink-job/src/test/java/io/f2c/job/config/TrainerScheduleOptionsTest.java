package io.f2c.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.f2c.training.LearningRateSchedule;
import org.junit.jupiter.api.Test;

/** The learning-rate schedule a user gets from --lr, --warmup-steps and the two decay flags. */
class TrainerScheduleOptionsTest {

  // The schedules' arithmetic is LearningRateScheduleTest's; here: which schedule the flags build.
  @Test
  void milestonesBuildStepDecayByTenAtThoseSteps() {
    assertEquals(
        LearningRateSchedule.step(0.1f, 10, new int[] {100, 200, 300}, 0.1f),
        schedule("--lr", "0.1", "--warmup-steps", "10", "--lr-milestones", "100, 200,300"));
  }

  @Test
  void withoutDecayFlagsTheRateStaysAtTheBase() {
    LearningRateSchedule schedule = schedule("--lr", "0.05");
    assertEquals(LearningRateSchedule.step(0.05f, 100, new int[0], 0.1f), schedule);
    assertEquals(0.05f, schedule.at(1_000_000), 0f);
  }

  @Test
  void decayStepsBuildCosineDecayAfterTheWarmUp() {
    assertEquals(
        LearningRateSchedule.cosine(0.1f, 10, 110, 0.02f),
        schedule("--lr", "0.1", "--warmup-steps", "10", "--lr-decay-steps", "100"));
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
