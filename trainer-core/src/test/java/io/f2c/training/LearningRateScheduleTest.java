package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void warmUpThenStepDecay() {
    LearningRateSchedule lr = LearningRateSchedule.step(0.1f, 10, new int[] {20, 30}, 0.1f);
    assertEquals(0.1 * (0.1 + 0.9 * 0.1), lr.at(0), 1e-7);
    assertEquals(0.1, lr.at(9), 1e-7);
    assertEquals(0.1, lr.at(19), 1e-7);
    assertEquals(0.01, lr.at(20), 1e-8);
    assertEquals(0.001, lr.at(35), 1e-9);
  }

  @Test
  void warmUpThenCosine() {
    LearningRateSchedule lr = LearningRateSchedule.cosine(0.2f, 0, 100, 0.05f);
    assertEquals(0.2, lr.at(0), 1e-7);
    assertEquals(0.01 + 0.19 * 0.5, lr.at(50), 1e-6);
    assertEquals(0.01, lr.at(100), 1e-7);
    assertEquals(0.01, lr.at(500), 1e-7);
  }
}
