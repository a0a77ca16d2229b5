package io.f2c.job.kafka;

import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.schema.AvroCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads Avro records of one topic from the beginning with {@code read_committed}, decoding them
 * with the project's codec. Used by the demo (dead letters) and by tests; not thread-safe (one
 * polling thread).
 */
public final class TopicReader<T extends SpecificRecord> implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroCodec<T> codec;

  public TopicReader(String bootstrapServers, String topic, AvroCodec<T> codec) {
    this(KafkaClientConfig.of(bootstrapServers), topic, codec);
  }

  public TopicReader(KafkaClientConfig kafka, String topic, AvroCodec<T> codec) {
    Properties props = readCommitted(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "f2c-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(props);
    this.codec = codec;
    consumer.subscribe(List.of(topic));
  }

  /** A byte-array consumer that sees committed records only and commits no offsets. */
  public static Properties readCommitted(String bootstrapServers) {
    return readCommitted(KafkaClientConfig.of(bootstrapServers));
  }

  /** The same with the user's client settings. */
  public static Properties readCommitted(KafkaClientConfig kafka) {
    Properties props = kafka.properties();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /** Polls once and decodes what arrived. */
  public List<T> poll(Duration timeout) {
    List<T> records = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
      records.add(codec.decode(record.value()));
    }
    return records;
  }

  /**
   * Polls until at least {@code count} records arrived or the timeout passed; returns all of them.
   */
  public List<T> pollAtLeast(int count, Duration timeout) {
    List<T> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records.size() < count && System.nanoTime() < deadline) {
      records.addAll(poll(Duration.ofMillis(200)));
    }
    return records;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
