package io.f2c.job.kafka;

import io.f2c.job.publishing.ModelChunker;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.model.ModelAssembler;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The latest model version already on the models topic. A job that starts without saved state
 * numbers its versions after it, so running subscribers (which ignore versions at or below the last
 * they completed) follow the new job instead of silently stopping.
 */
public final class PublishedVersions {
  /** How far back from the end of each partition to look: several versions' chunks. */
  static final int TAIL_RECORDS = 2000;

  private PublishedVersions() {}

  /** The highest committed version of {@code modelName} on {@code topic}; 0 when there is none. */
  public static long latest(KafkaClientConfig kafka, String topic, String modelName) {
    long[] latest = {0};
    scanTail(
        kafka, topic, modelName, update -> latest[0] = Math.max(latest[0], update.getVersion()));
    return latest[0];
  }

  /**
   * The newest complete, checked version of {@code modelName} among the last records of {@code
   * topic} (its F2C blob), if any.
   */
  public static Optional<ModelAssembler.Complete> latestComplete(
      KafkaClientConfig kafka, String topic, String modelName) {
    ModelAssembler assembler = new ModelAssembler();
    List<ModelAssembler.Complete> complete = new ArrayList<>();
    scanTail(
        kafka,
        topic,
        modelName,
        update -> {
          if (ModelChunker.FORMAT_F2CM.equals(update.getFormat())) {
            try {
              assembler.add(update).ifPresent(complete::add);
            } catch (ModelAssembler.CorruptModelException e) {
              // a corrupt version is no starting point; an older complete one still is
            }
          }
        });
    return complete.stream().max(Comparator.comparingLong(c -> c.header().getVersion()));
  }

  /** Hands every ModelUpdate of {@code modelName} among the last records of each partition on. */
  private static void scanTail(
      KafkaClientConfig kafka, String topic, String modelName, Consumer<ModelUpdate> each) {
    List<TopicPartition> partitions = partitions(kafka, topic);
    if (partitions.isEmpty()) {
      return;
    }
    Properties props = TopicReader.readCommitted(kafka);
    AvroCodec<ModelUpdate> codec = AvroCodec.modelUpdate();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, Math.max(0, ends.get(partition) - TAIL_RECORDS));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!reachedEnd(consumer, partitions, ends) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            ModelUpdate update = codec.decode(record.value());
            if (modelName.equals(update.getModelName())) {
              each.accept(update);
            }
          } catch (AvroCodec.MalformedRecordException e) {
            // not a model update (someone else's record): it numbers nothing
          }
        }
      }
    }
  }

  private static boolean reachedEnd(
      KafkaConsumer<?, ?> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> ends) {
    return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
  }

  private static List<TopicPartition> partitions(KafkaClientConfig kafka, String topic) {
    try (Admin admin = Admin.create(Topics.adminProperties(kafka))) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      return description.partitions().stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return List.of();
      }
      throw KafkaFailures.explain("read the models topic " + topic, kafka, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + kafka.bootstrapServers()
              + " to read "
              + topic
              + " (check --bootstrap-servers)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
