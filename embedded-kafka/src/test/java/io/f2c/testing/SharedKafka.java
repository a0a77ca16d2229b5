package io.f2c.testing;

import io.f2c.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One in-process Kafka broker for all integration tests of a test JVM (each test uses its own
 * topics), started on first use and stopped when the JVM exits.
 */
public final class SharedKafka {
  private static EmbeddedKafkaBroker broker;

  private SharedKafka() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      try {
        broker = EmbeddedKafkaBroker.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedKafkaBroker started = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-shutdown"));
    }
    return broker.bootstrapServers();
  }
}
