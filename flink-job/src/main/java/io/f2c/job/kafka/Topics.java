package io.f2c.job.kafka;

import io.f2c.kafka.client.KafkaClientConfig;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the project's topics if missing (idempotent; existing ones are left alone; replication =
 * broker default).
 */
public final class Topics {
  private Topics() {}

  /** Kafka's default message limit, for topics of small records. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

  /** Room for the ids, the Avro header and Kafka's record and batch headers above an image. */
  static final int IMAGE_RECORD_OVERHEAD = 64 * 1024;

  /**
   * The largest record of an image of {@code maxImageBytes} (the job's --max-image-bytes): the
   * producer's request limit and the images topic's message limit, so that what the job accepts can
   * be sent.
   */
  public static int maxImageRecordBytes(int maxImageBytes) {
    return maxImageBytes + IMAGE_RECORD_OVERHEAD;
  }

  /** The images topic, taking images up to {@code maxImageBytes}. */
  public static Spec images(String name, int partitions, int maxImageBytes) {
    return new Spec(name, partitions, maxImageRecordBytes(maxImageBytes));
  }

  /** A topic to ensure: name, partition count and the largest message it takes. */
  public record Spec(String name, int partitions, int maxMessageBytes) {
    public Spec(String name, int partitions) {
      this(name, partitions, DEFAULT_MAX_MESSAGE_BYTES);
    }
  }

  public static void ensure(String bootstrapServers, List<Spec> specs) {
    ensure(KafkaClientConfig.of(bootstrapServers), specs);
  }

  /** An admin client's settings: the user's, with timeouts that fail within a minute. */
  public static Properties adminProperties(KafkaClientConfig kafka) {
    Properties props = kafka.properties();
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    return props;
  }

  public static void ensure(KafkaClientConfig kafka, List<Spec> specs) {
    try (Admin admin = Admin.create(adminProperties(kafka))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Spec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty())
                  .configs(Map.of("max.message.bytes", String.valueOf(spec.maxMessageBytes()))));
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
      throw KafkaFailures.explain("create topics", kafka, cause);
    }
  }

  /**
   * Records of {@code topic} that consumer group {@code group} has not committed yet, over all
   * partitions (a partition without a commit counts from 0). The job commits at checkpoints, so
   * this is the lag as of its last checkpoint.
   */
  public static long lag(KafkaClientConfig kafka, String topic, String group) {
    try (Admin admin = Admin.create(adminProperties(kafka))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartitionInfo p :
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions()) {
        latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
      }
      long lag = 0;
      for (var end : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
        OffsetAndMetadata at = committed.get(end.getKey());
        lag += end.getValue().offset() - (at == null ? 0 : at.offset());
      }
      return lag;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the lag of " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw KafkaFailures.explain(
          "read the lag of " + topic, kafka, e.getCause() != null ? e.getCause() : e);
    }
  }
}
