package io.f2c.cli;

import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a request to stop, so the launcher can shut Flink and
 * Kafka down in order and exit 0, instead of the JVM dying half-way through its shutdown hooks.
 */
final class ShutdownSignals {
  private ShutdownSignals() {}

  static void onInterrupt(Runnable action) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), signal -> action.run());
      } catch (IllegalArgumentException e) {
        // Signal not available on this platform: Ctrl-C then falls back to the JVM's default
        // handling.
      }
    }
  }
}
