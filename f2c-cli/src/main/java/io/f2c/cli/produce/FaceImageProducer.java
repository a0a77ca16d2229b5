package io.f2c.cli.produce;

import io.f2c.job.kafka.Topics;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link FaceImage} records to Kafka (key: identity id, value: {@link AvroCodec} bytes),
 * optionally at a fixed rate, until the source ends or {@link #stop()} is called.
 *
 * <p>Nothing is dropped silently: every send's result is checked, and an image that cannot be sent
 * (larger than the job accepts, or refused by Kafka) is counted and kept as a {@link Failure} with
 * its image id, source and reason. The producer's request limit and the images topic's message s
 * limit are both {@link Topics#maxImageRecordBytes} of the job's {@code --max-image-bytes}, so what
 * the job accepts can be sent and what it would reject is refused here, before sending.
 */
public final class FaceImageProducer implements AutoCloseable {
  /** Failures kept for reporting; later ones are only counted. */
  static final int MAX_KEPT_FAILURES = 1000;

  /** An image that was not sent, and why. */
  public record Failure(String imageId, String source, String reason) {
    @Override
    public String toString() {
      return imageId + (source.isEmpty() ? "" : " (" + source + ")") + ": " + reason;
    }
  }

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final int maxImageBytes;
  private final AvroCodec<FaceImage> codec = AvroCodec.faceImage();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<Failure> failures = new CopyOnWriteArrayList<>();

  /**
   * @param maxImageBytes the job's {@code --max-image-bytes}: larger images are refused here
   */
  public FaceImageProducer(String bootstrapServers, String topic, int maxImageBytes) {
    this(KafkaClientConfig.of(bootstrapServers), topic, maxImageBytes);
  }

  /**
   * @param kafka where Kafka is and how to reach it (the user's client settings)
   * @param maxImageBytes the job's {@code --max-image-bytes}: larger images are refused here
   */
  public FaceImageProducer(KafkaClientConfig kafka, String topic, int maxImageBytes) {
    this.producer = new KafkaProducer<>(producerProperties(kafka, maxImageBytes));
    this.topic = topic;
    this.maxImageBytes = maxImageBytes;
  }

  public static Properties producerProperties(KafkaClientConfig kafka, int maxImageBytes) {
    Properties props = kafka.properties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        String.valueOf(Topics.maxImageRecordBytes(maxImageBytes)));
    return props;
  }

  /**
   * Sends one record as it is (e.g. tests sending malformed records); its result is checked too.
   */
  public void sendRaw(String key, byte[] value) {
    send(key, value, key == null ? "(no key)" : key, "");
  }

  public void send(FaceImage image) {
    int size = image.getImage() == null ? 0 : image.getImage().remaining();
    if (size > maxImageBytes) {
      fail(
          new Failure(
              image.getImageId(),
              image.getSource(),
              "the image is "
                  + size
                  + " bytes, over the job's limit of "
                  + maxImageBytes
                  + " (--max-image-bytes): not sent"));
      return;
    }
    send(image.getIdentityId(), codec.encode(image), image.getImageId(), image.getSource());
  }

  private void send(String key, byte[] value, String imageId, String source) {
    producer.send(
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
        (metadata, error) -> {
          if (error == null) {
            sent.incrementAndGet();
          } else {
            fail(
                new Failure(
                    imageId, source, error.getClass().getSimpleName() + ": " + error.getMessage()));
          }
        });
  }

  private void fail(Failure failure) {
    failed.incrementAndGet();
    if (failures.size() < MAX_KEPT_FAILURES) {
      failures.add(failure);
    }
  }

  /**
   * Sends records from {@code source} until it ends, {@code limit} records were sent (0 = no limit)
   * or {@link #stop()}; {@code ratePerSecond} 0 sends as fast as possible. Returns the number of
   * images handed to the producer by this call; after it, {@link #sent} and {@link #failed} count
   * every result.
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

  /** Images Kafka acknowledged. */
  public long sent() {
    return sent.get();
  }

  /** Images not sent: refused here or by Kafka. */
  public long failed() {
    return failed.get();
  }

  /** The first {@value #MAX_KEPT_FAILURES} failures, in order. */
  public List<Failure> failures() {
    return List.copyOf(failures);
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
