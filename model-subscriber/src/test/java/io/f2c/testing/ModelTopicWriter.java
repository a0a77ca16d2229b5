package io.f2c.testing;

import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import io.f2c.schema.TrainingMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes model versions to a models topic as the trainer does (chunked ModelUpdate records in
 * Kafka transactions), written here by hand from the wire contract so that subscriber tests do not
 * depend on the job.
 */
public final class ModelTopicWriter implements AutoCloseable {
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  /** Creates {@code topic} (one partition) and a transactional producer for it. */
  public ModelTopicWriter(String bootstrap, String topic)
      throws ExecutionException, InterruptedException {
    this.topic = topic;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-publisher-" + topic);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(props);
    producer.initTransactions();
  }

  /**
   * The chunks of one version of model "f2c" at step 100 x version, {@code chunkBytes} of the blob
   * each.
   */
  public static List<ModelUpdate> chunks(long version, byte[] blob, int chunkBytes) {
    int count = (blob.length + chunkBytes - 1) / chunkBytes;
    List<ModelUpdate> chunks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      chunks.add(
          ModelUpdate.newBuilder()
              .setModelName("f2c")
              .setVersion(version)
              .setTrainingStep(100 * version)
              .setCreatedAt(Instant.now())
              .setArchitecture("small-cnn")
              .setInput(TestModels.SPEC.toInputSpec())
              .setEmbeddingDim(TestModels.DIM)
              .setChunkIndex(i)
              .setChunkCount(count)
              .setChunk(
                  ByteBuffer.wrap(blob, from, Math.min(chunkBytes, blob.length - from)).slice())
              .setSha256(sha256(blob))
              .setMetrics(new TrainingMetrics(1.0 / version, 0.5, 1000 * version, 10L))
              .build());
    }
    return chunks;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends the chunks in one transaction, committed or aborted; fails on any send that fails. */
  public void publish(List<ModelUpdate> chunks, boolean commit)
      throws ExecutionException, InterruptedException {
    publish(chunks, c -> topic, commit);
  }

  /** {@link #publish(List, boolean)}, each chunk to the topic {@code topicOf} names. */
  public void publish(
      List<ModelUpdate> chunks, Function<ModelUpdate, String> topicOf, boolean commit)
      throws ExecutionException, InterruptedException {
    producer.beginTransaction();
    for (ModelUpdate c : chunks) {
      producer
          .send(
              new ProducerRecord<>(
                  topicOf.apply(c),
                  c.getModelName().getBytes(StandardCharsets.UTF_8),
                  AvroCodec.modelUpdate().encode(c)))
          .get();
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
