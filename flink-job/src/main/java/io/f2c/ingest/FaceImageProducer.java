package io.f2c.ingest;

import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link FaceImage} records to Kafka (key: identity id, value: {@link AvroCodec} bytes),
 * optionally at a fixed rate, until the source ends or {@link #stop()} is called.
 */
public final class FaceImageProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AvroCodec<FaceImage> codec = AvroCodec.faceImage();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();

  public FaceImageProducer(String bootstrapServers, String topic) {
    this.producer = new KafkaProducer<>(producerProperties(bootstrapServers));
    this.topic = topic;
  }

  public static Properties producerProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return props;
  }

  /**
   * Sends one record as it is (used to send raw bytes, e.g. by tests sending malformed records).
   */
  public void sendRaw(String key, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  public void send(FaceImage image) {
    sendRaw(image.getIdentityId(), codec.encode(image));
    sent.incrementAndGet();
  }

  /**
   * Sends records from {@code source} until it ends, {@code limit} records were sent (0 = no limit)
   * or {@link #stop()}; {@code ratePerSecond} 0 sends as fast as possible. Returns the number sent
   * by this call.
   */
  public long run(Iterator<FaceImage> source, double ratePerSecond, long limit)
      throws InterruptedException {
    long start = System.nanoTime();
    long count = 0;
    while (!stopped.get() && source.hasNext() && (limit <= 0 || count < limit)) {
      if (ratePerSecond > 0) {
        long due = start + (long) (count * 1e9 / ratePerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      send(source.next());
      count++;
    }
    producer.flush();
    return count;
  }

  public long sent() {
    return sent.get();
  }

  public void stop() {
    stopped.set(true);
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    stop();
    producer.close();
  }
}
