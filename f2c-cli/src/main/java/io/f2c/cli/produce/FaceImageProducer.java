package io.f2c.cli.produce;

import io.f2c.job.kafka.Topics;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link FaceImage} records to Kafka (key: identity id, value: {@link AvroCodec} bytes),
 * optionally at a fixed rate, until the source ends or {@link #stop()} is called.
 *
 * <p>Nothing is dropped silently: every send's result is checked. An image whose send failed for a
 * reason Kafka calls retriable (a leader moving, a batch that expired while the cluster recovered,
 * a sequence the broker lost) is sent again, up to {@value #MAX_SENDS} sends in all; the producer
 * is idempotent, so a resend of a write that did reach the log is rare (only after a timeout) and
 * is a duplicate, never a loss. An image that still cannot be sent (larger than the job accepts,
 * refused for good, or out of resends) is counted and kept as a {@link Failure} with its image id,
 * source and reason. Before the first send the producer waits until every partition of the topic
 * has a leader: the first batches to a topic created a moment ago are what failed. The producer's
 * request limit and the images topic's message s limit are both {@link Topics#maxImageRecordBytes}
 * of the job's {@code --max-image-bytes}, so what the job accepts can be sent and what it would
 * reject is refused here, before sending.
 */
public final class FaceImageProducer implements AutoCloseable {
  /** Failures kept for reporting; later ones are only counted. */
  static final int MAX_KEPT_FAILURES = 1000;

  /** Sends of one image, the first included, before it counts as failed. */
  static final int MAX_SENDS = 5;

  private static final Duration LEADER_WAIT = Duration.ofSeconds(60);

  /** An image that was not sent, and why. */
  public record Failure(String imageId, String source, String reason) {
    @Override
    public String toString() {
      return imageId + (source.isEmpty() ? "" : " (" + source + ")") + ": " + reason;
    }
  }

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final int maxImageBytes;
  private final AvroCodec<FaceImage> codec = AvroCodec.faceImage();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<Failure> failures = new CopyOnWriteArrayList<>();
  private final AtomicLong resent = new AtomicLong();
  private final AtomicLong unresolved = new AtomicLong();
  private final BlockingQueue<Send> resends = new LinkedBlockingQueue<>();
  private final long resendBackoffMs;
  private final Thread resender;
  private volatile boolean leadersSeen;
  private volatile boolean closed;

  /** One image on its way; {@code attempt} counts its sends from 1. */
  private record Send(
      ProducerRecord<byte[], byte[]> record, String imageId, String source, int attempt) {}

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
    this(new KafkaProducer<>(producerProperties(kafka, maxImageBytes)), topic, maxImageBytes, 1000);
  }

  /**
   * Over any producer (tests give a MockProducer); resends wait {@code resendBackoffMs} x attempt.
   */
  FaceImageProducer(
      Producer<byte[], byte[]> producer, String topic, int maxImageBytes, long resendBackoffMs) {
    this.producer = producer;
    this.topic = topic;
    this.maxImageBytes = maxImageBytes;
    this.resendBackoffMs = resendBackoffMs;
    this.resender = new Thread(this::resendLoop, "f2c-producer-resends");
    resender.setDaemon(true);
    resender.start();
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
    awaitLeaders();
    unresolved.incrementAndGet();
    send(
        new Send(
            new ProducerRecord<>(
                topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
            imageId,
            source,
            1));
  }

  private void send(Send s) {
    try {
      producer.send(s.record(), (metadata, error) -> completed(s, error));
    } catch (KafkaException e) {
      completed(s, e);
    }
  }

  /** The result of one send: done, sent again later, or failed for good. */
  private void completed(Send s, Exception error) {
    if (error == null) {
      sent.incrementAndGet();
      unresolved.decrementAndGet();
    } else if (retriable(error) && s.attempt() < MAX_SENDS && !closed) {
      resent.incrementAndGet();
      resends.add(new Send(s.record(), s.imageId(), s.source(), s.attempt() + 1));
    } else {
      fail(
          new Failure(
              s.imageId(),
              s.source(),
              error.getClass().getSimpleName()
                  + ": "
                  + error.getMessage()
                  + (retriable(error) ? " (after " + s.attempt() + " sends)" : "")));
      unresolved.decrementAndGet();
    }
  }

  /**
   * What a new send may cure: Kafka's retriable errors (its own retries ran out within the delivery
   * timeout), and a lost sequence, after which the idempotent producer starts a new epoch.
   */
  static boolean retriable(Exception error) {
    return error instanceof RetriableException || error instanceof OutOfOrderSequenceException;
  }

  private void resendLoop() {
    try {
      while (true) {
        Send s = resends.take();
        Thread.sleep(resendBackoffMs * (s.attempt() - 1));
        send(s);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits (once) until every partition of the topic has a leader. */
  private void awaitLeaders() {
    if (leadersSeen) {
      return;
    }
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        if (!partitions.isEmpty() && partitions.stream().allMatch(p -> p.leader() != null)) {
          leadersSeen = true;
          return;
        }
      } catch (KafkaException e) {
        // not there yet: the metadata of a new topic takes a moment to reach every broker
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    leadersSeen = true; // sends then fail, or succeed, with Kafka's own reason
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
    flush();
    return count;
  }

  /** Images Kafka acknowledged. */
  public long sent() {
    return sent.get();
  }

  /** Sends repeated after a retriable failure. */
  public long resent() {
    return resent.get();
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

  /** Returns once every image handed over so far was sent or failed for good (resends included). */
  public void flush() {
    producer.flush();
    while (unresolved.get() > 0 && resender.isAlive()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      producer.flush();
    }
  }

  @Override
  public void close() {
    stop();
    closed = true;
    resender.interrupt();
    producer.close();
  }
}
