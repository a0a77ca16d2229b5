package io.f2c.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes. */
public final class Await {
  private Await() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    until(what, timeout, condition, () -> "");
  }

  /** As above; {@code detail} describes the state seen at the deadline, for the failure message. */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting for: " + what + detail.get());
      }
      Thread.sleep(100);
    }
  }
}
