package io.f2c.subscribing;

import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.model.Embedder;
import io.f2c.model.ModelAssembler;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import io.f2c.schema.TrainingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the models topic and keeps the newest complete model version loaded, ready to embed
 * faces.
 *
 * <ul>
 *   <li>Reads with {@code read_committed}: chunks of an aborted publication are never seen.
 *   <li>Starts from the latest complete version already on the topic (it scans back from the end in
 *       growing windows), not from the beginning of time; then follows new versions as they are
 *       committed.
 *   <li>Reassembles chunks and checks the SHA-256 ({@link ModelAssembler}); a corrupt version, or
 *       one that does not load, is logged and skipped: callers only ever see complete, verified,
 *       loadable models.
 *   <li>Swaps the new model in atomically: {@link #embed} runs entirely on one version and says
 *       which.
 * </ul>
 *
 * One polling thread per subscriber; {@link #embed} and {@link #current} may be called from any
 * thread.
 */
public final class ModelSubscriber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);
  private static final int FIRST_WINDOW = 64;
  private static final String F2CM = "f2cm";

  /**
   * A complete, verified model version as received; {@code testTimeFlip}: {@link #embed} adds each
   * image's mirror, as the model's header says; {@code verificationThreshold}: the cosine
   * similarity at or above which the publisher judges two faces the same person (null when it chose
   * none).
   */
  public record ModelVersion(
      String modelName,
      long version,
      long trainingStep,
      Instant createdAt,
      String architecture,
      int embeddingDim,
      PreprocessSpec input,
      boolean testTimeFlip,
      TrainingMetrics metrics,
      String sha256,
      byte[] blob,
      long lagMs,
      Float verificationThreshold) {
    public int sizeBytes() {
      return blob.length;
    }
  }

  /** Embeddings [count, dim] and the version that computed them. */
  public record Embeddings(ModelVersion model, float[] values) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final String modelName;
  private final Consumer<ModelVersion> listener;
  private final AvroCodec<ModelUpdate> codec = AvroCodec.modelUpdate();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final CountDownLatch first = new CountDownLatch(1);
  private final AtomicLong skipped = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile ModelVersion currentVersion;
  private Embedder currentEmbedder;

  private ModelSubscriber(
      KafkaClientConfig kafka, String topic, String modelName, Consumer<ModelVersion> listener) {
    Properties props = kafka.properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(props);
    this.topic = topic;
    this.modelName = modelName;
    this.listener = listener;
    this.thread = new Thread(this::follow, "f2c-model-subscriber");
    thread.setDaemon(true);
  }

  /**
   * Starts following {@code topic}.
   *
   * @param modelName only this model (null: every model on the topic)
   * @param listener told about each new version after it was swapped in (on the subscriber's
   *     thread)
   */
  public static ModelSubscriber start(
      String bootstrapServers, String topic, String modelName, Consumer<ModelVersion> listener) {
    return start(KafkaClientConfig.of(bootstrapServers), topic, modelName, listener);
  }

  /** {@link #start(String, String, String, Consumer)} with the user's Kafka client settings. */
  public static ModelSubscriber start(
      KafkaClientConfig kafka, String topic, String modelName, Consumer<ModelVersion> listener) {
    ModelSubscriber subscriber = new ModelSubscriber(kafka, topic, modelName, listener);
    subscriber.thread.start();
    return subscriber;
  }

  /** The version in use, if one arrived. */
  public Optional<ModelVersion> current() {
    return Optional.ofNullable(currentVersion);
  }

  /** Waits until a first version is in use. */
  public Optional<ModelVersion> awaitFirst(Duration timeout) throws InterruptedException {
    first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return current();
  }

  /** Versions that were complete but corrupt or unloadable, and were skipped. */
  public long skippedVersions() {
    return skipped.get();
  }

  /**
   * Embeds {@code count} images preprocessed by the current version's {@link ModelVersion#input()}.
   *
   * @throws IllegalStateException when no version has arrived yet
   */
  public Embeddings embed(float[] images, int count) {
    lock.readLock().lock();
    try {
      if (currentEmbedder == null) {
        throw new IllegalStateException("no model version has arrived yet on " + topic);
      }
      return new Embeddings(currentVersion, currentEmbedder.embed(images, count));
    } finally {
      lock.readLock().unlock();
    }
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = awaitPartitions();
      consumer.assign(partitions);
      ModelAssembler assembler = catchUp(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          add(assembler, record).ifPresent(this::swapIn);
        }
      }
    } catch (WakeupException | InterruptException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("model subscriber on {} stopped: {}", topic, e.toString(), e);
      }
    }
  }

  private List<TopicPartition> awaitPartitions() {
    while (running) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      }
      LOG.info("waiting for topic {} to exist", topic);
    }
    throw new WakeupException();
  }

  /**
   * Reads the last {@code window} records of each partition; when no version completes in them,
   * reads a window four times larger, down to the beginning. Delivers the newest complete version
   * and returns an assembler positioned after it (the consumer is then at the end of every
   * partition).
   */
  private ModelAssembler catchUp(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    for (long window = FIRST_WINDOW; ; window *= 4) {
      boolean fromBeginning = true;
      for (TopicPartition p : partitions) {
        long from = Math.max(begin.get(p), end.get(p) - window);
        fromBeginning &= from == begin.get(p);
        consumer.seek(p, from);
      }
      ModelAssembler assembler = new ModelAssembler();
      Map<String, ModelAssembler.Complete> newest = new HashMap<>();
      while (running && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          add(assembler, record).ifPresent(c -> newest.put(c.header().getModelName(), c));
        }
      }
      if (!newest.isEmpty() || fromBeginning || !running) {
        new ArrayList<>(newest.values())
            .stream()
                .sorted(Comparator.comparing(c -> c.header().getCreatedAt()))
                .forEach(this::swapIn);
        return assembler;
      }
    }
  }

  /**
   * Feeds one record; a complete version of the followed model, or empty. Bad records are logged
   * and skipped.
   */
  private Optional<ModelAssembler.Complete> add(
      ModelAssembler assembler, ConsumerRecord<byte[], byte[]> record) {
    ModelUpdate chunk;
    try {
      chunk = codec.decode(record.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "skipping a record of {} at {}-{} that is not a ModelUpdate: {}",
          topic,
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
    if (modelName != null && !modelName.equals(chunk.getModelName())) {
      return Optional.empty();
    }
    if (!F2CM.equals(chunk.getFormat())) {
      if (chunk.getChunkIndex() == 0) {
        LOG.warn(
            "skipping model {} v{} on {}: its format is {}, not the f2cm blob this subscriber"
                + " loads (ONNX versions are for ONNX Runtime clients)",
            chunk.getModelName(),
            chunk.getVersion(),
            topic,
            chunk.getFormat());
      }
      return Optional.empty();
    }
    try {
      return assembler.add(chunk);
    } catch (ModelAssembler.CorruptModelException e) {
      skipped.incrementAndGet();
      LOG.warn("skipping a corrupt model version: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private void swapIn(ModelAssembler.Complete complete) {
    ModelUpdate h = complete.header();
    Embedder embedder;
    try {
      embedder = Embedder.load(complete.blob());
    } catch (RuntimeException e) {
      skipped.incrementAndGet();
      LOG.warn(
          "skipping model {} v{}: it does not load: {}",
          h.getModelName(),
          h.getVersion(),
          e.getMessage());
      return;
    }
    ModelVersion version =
        new ModelVersion(
            h.getModelName(),
            h.getVersion(),
            h.getTrainingStep(),
            h.getCreatedAt(),
            h.getArchitecture(),
            h.getEmbeddingDim(),
            PreprocessSpec.from(h.getInput()),
            embedder.testTimeFlip(),
            h.getMetrics(),
            h.getSha256(),
            complete.blob(),
            Math.max(0, System.currentTimeMillis() - h.getCreatedAt().toEpochMilli()),
            h.getVerificationThreshold());
    Embedder old;
    lock.writeLock().lock();
    try {
      old = currentEmbedder;
      currentEmbedder = embedder;
      currentVersion = version;
    } finally {
      lock.writeLock().unlock();
    }
    if (old != null) {
      old.close(); // no embed() runs on it any more: they hold the read lock
    }
    first.countDown();
    try {
      listener.accept(version);
    } catch (RuntimeException e) {
      LOG.warn(
          "model listener failed on {} v{}: {}",
          version.modelName(),
          version.version(),
          e.toString());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
    consumer.close(Duration.ofSeconds(5));
    lock.writeLock().lock();
    try {
      if (currentEmbedder != null) {
        currentEmbedder.close();
        currentEmbedder = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
