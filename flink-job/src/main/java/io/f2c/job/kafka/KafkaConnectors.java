package io.f2c.job.kafka;

import io.f2c.job.publishing.ModelChunker;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import io.f2c.schema.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;

/**
 * The job's Kafka source and sinks, built from plain settings so tests and the CLI wire them the
 * same way.
 */
public final class KafkaConnectors {
  private KafkaConnectors() {}

  /**
   * Reads the images topic undecoded. Without saved state it starts where {@code startFrom} says;
   * after a failure, or from a savepoint, Flink restores the offsets saved with the state.
   */
  public static KafkaSource<RawRecord> rawSource(
      KafkaClientConfig kafka, String topic, String groupId, StartFrom startFrom) {
    Properties props =
        kafka.properties(
            Map.of(
                "partition.discovery.interval.ms", "10000", "isolation.level", "read_committed"));
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(startFrom.offsets())
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(props)
        .build();
  }

  /**
   * Model versions, exactly once: chunks are written in Kafka transactions committed with Flink's
   * checkpoints, so a {@code read_committed} consumer never sees a partial or repeated version,
   * even across a failure and restore. ONNX chunks go to {@code onnxTopic} in the same
   * transactions.
   */
  public static KafkaSink<ModelUpdate> modelSink(
      KafkaClientConfig kafka, String topic, String onnxTopic, String modelName) {
    Properties props =
        kafka.properties(
            Map.of(
                // Must not exceed the broker's transaction.max.timeout.ms (15 minutes by default).
                "transaction.timeout.ms",
                "600000",
                "max.request.size",
                String.valueOf(1024 * 1024)));
    return KafkaSink.<ModelUpdate>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setKafkaProducerConfig(props)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<ModelUpdate>builder()
                .setTopicSelector(
                    (ModelUpdate update) ->
                        ModelChunker.FORMAT_ONNX.equals(update.getFormat()) ? onnxTopic : topic)
                .setKeySerializationSchema(
                    (ModelUpdate update) -> update.getModelName().getBytes(StandardCharsets.UTF_8))
                .setValueSerializationSchema(new AvroValueSerializer<>(AvroCodec.modelUpdate()))
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix("f2c-models-" + modelName)
        .build();
  }

  /**
   * Dead letters, at least once: a rejected record may be reported twice after a failure, but never
   * lost.
   */
  public static KafkaSink<RejectedRecord> deadLetterSink(KafkaClientConfig kafka, String topic) {
    return KafkaSink.<RejectedRecord>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setKafkaProducerConfig(kafka.properties())
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<RejectedRecord>builder()
                .setTopic(topic)
                .setValueSerializationSchema(new AvroValueSerializer<>(AvroCodec.rejectedRecord()))
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }
}
