package io.f2c.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the project's topics if missing (idempotent; existing ones are left alone; replication =
 * broker default).
 */
public final class Topics {
  private Topics() {}

  /** A topic to ensure: name and partition count. */
  public record Spec(String name, int partitions) {}

  public static void ensure(String bootstrapServers, List<Spec> specs) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Spec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty())
                  .configs(Map.of("max.message.bytes", String.valueOf(1024 * 1024))));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof TopicExistsException) {
        return; // created concurrently by someone else: fine.
      }
      throw new IllegalStateException(
          "cannot create topics on "
              + bootstrapServers
              + ": "
              + cause.getMessage()
              + " (is Kafka reachable there? check --bootstrap-servers)",
          cause);
    }
  }
}
