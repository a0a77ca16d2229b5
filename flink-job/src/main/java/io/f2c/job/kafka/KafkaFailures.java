package io.f2c.job.kafka;

import io.f2c.kafka.client.KafkaClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/** One-line explanations of why a Kafka client could not do its work, with what to check. */
final class KafkaFailures {
  private KafkaFailures() {}

  /**
   * A refused login or permission is the user's settings, not an outage: an {@link
   * IllegalArgumentException} (one line, no stack trace, no retry) that names the file to fix.
   * Anything else is an {@link IllegalStateException} that asks whether Kafka is reachable.
   */
  static RuntimeException explain(String action, KafkaClientConfig kafka, Throwable cause) {
    String where = " on " + kafka.bootstrapServers() + ": " + cause.getMessage();
    if (cause instanceof AuthenticationException) {
      return new IllegalArgumentException(
          "cannot "
              + action
              + where
              + " (Kafka refused the login: check security.protocol and the credentials in "
              + "--kafka-config)",
          cause);
    }
    if (cause instanceof AuthorizationException) {
      return new IllegalArgumentException(
          "cannot " + action + where + " (the user lacks an ACL for it: ask the Kafka operator)",
          cause);
    }
    return new IllegalStateException(
        "cannot "
            + action
            + where
            + " (is Kafka reachable there? check --bootstrap-servers and --kafka-config)",
        cause);
  }
}
