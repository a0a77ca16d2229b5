package io.f2c.job;

import io.f2c.batching.IdentityCount;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.job.kafka.KafkaConnectors;
import io.f2c.job.kafka.TopicReader;
import io.f2c.job.kafka.Topics;
import io.f2c.job.runtime.FlinkSettings;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import io.f2c.schema.ModelUpdate;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.testing.Await;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestFaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the pipeline ITs share. Each test class registers {@link #miniCluster()} as a static
 * extension and keeps its checkpoints in a static {@code @TempDir}: JUnit closes the MiniCluster,
 * and with it every thread that writes checkpoints, in {@code afterAll}, before it deletes the
 * class's temporary folders. Each test names its own topics on the shared broker.
 */
final class PipelineFixture {
  private PipelineFixture() {}

  /** A MiniCluster for one test class; Flink cancels a test's jobs after it and waits for them. */
  static MiniClusterExtension miniCluster() {
    return miniCluster(new Configuration());
  }

  /** The same with {@code conf} (e.g. a metrics reporter). */
  static MiniClusterExtension miniCluster(Configuration conf) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(conf)
            .build());
  }

  /**
   * The job's options for a test: its own topics ({@code name-images} ...) on the shared broker.
   */
  static F2cConfig options(String name, Path checkpoints, long checkpointIntervalMs) {
    F2cConfig config =
        F2cConfig.defaults()
            .with(F2cOptions.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers())
            .with(F2cOptions.IMAGES_TOPIC, name + "-images")
            .with(F2cOptions.MODELS_TOPIC, name + "-models")
            .with(ModelVersionOptions.ONNX_TOPIC, name + "-onnx")
            // Every identity trains and is counted, unless a test holds some out itself.
            .with(ModelVersionOptions.HELD_OUT_SHARE, 0.0)
            .with(F2cOptions.DEAD_LETTER_TOPIC, name + "-dlq")
            .with(F2cOptions.GROUP_ID, name + "-" + System.nanoTime())
            .with(F2cOptions.INPUT_SIZE, 32)
            .with(F2cOptions.CHECKPOINT_DIR, checkpoints)
            .with(F2cOptions.CHECKPOINT_INTERVAL_MS, checkpointIntervalMs);
    Topics.ensure(
        SharedKafka.bootstrapServers(),
        List.of(
            new Topics.Spec(config.get(F2cOptions.IMAGES_TOPIC), 2),
            new Topics.Spec(config.get(F2cOptions.MODELS_TOPIC), 1),
            new Topics.Spec(config.get(ModelVersionOptions.ONNX_TOPIC), 1),
            new Topics.Spec(config.get(F2cOptions.DEAD_LETTER_TOPIC), 1)));
    return config;
  }

  /**
   * Starts the job on the class's MiniCluster with Kafka's source and dead-letter sink, the given
   * identity-count sink and, when {@code models} is set, Kafka's exactly-once model sink.
   */
  static JobClient start(
      F2cConfig config,
      Sink<IdentityCount> identityCounts,
      boolean models,
      Consumer<Configuration> flinkSettings)
      throws Exception {
    Configuration flinkConf = FlinkSettings.jobConfiguration(config, true);
    flinkSettings.accept(flinkConf);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
    Sink<ModelUpdate> modelSink =
        models
            ? KafkaConnectors.modelSink(
                F2cJob.kafka(config),
                config.get(F2cOptions.MODELS_TOPIC),
                config.get(ModelVersionOptions.ONNX_TOPIC),
                config.get(F2cOptions.MODEL_NAME))
            : new DiscardingSink<>();
    F2cJob.build(
        env,
        F2cJob.kafkaSource(config),
        new F2cJob.Sinks(
            KafkaConnectors.deadLetterSink(
                F2cJob.kafka(config), config.get(F2cOptions.DEAD_LETTER_TOPIC)),
            identityCounts,
            modelSink),
        config);
    return env.executeAsync(config.get(F2cOptions.IMAGES_TOPIC));
  }

  /** {@code images} images of each identity from {@code from} to {@code to}, image by image. */
  static void sendIdentities(Images producer, SyntheticFaces faces, int from, int to, int images)
      throws Exception {
    for (int image = 0; image < images; image++) {
      for (int id = from; id < to; id++) {
        producer.send(TestFaces.face(faces, id, image));
      }
    }
  }

  static void awaitVersion(TopicReader<ModelUpdate> reader, List<ModelUpdate> chunks, long version)
      throws InterruptedException {
    Await.until(
        "model version " + version,
        Duration.ofSeconds(120),
        () -> {
          chunks.addAll(reader.poll(Duration.ofMillis(200)));
          return chunks.stream().mapToLong(ModelUpdate::getVersion).max().orElse(0) >= version;
        },
        () ->
            " (versions so far: "
                + chunks.stream().map(ModelUpdate::getVersion).distinct().toList()
                + ")");
  }

  /**
   * A trainer small enough for a test: 32-d embeddings, a pool of 24, batches of 8, one PyTorch
   * thread (the MiniCluster's other threads, and a second trainer, share the test machine's cores).
   */
  static F2cConfig smallTrainer(F2cConfig config, int identityBatch, long publishEvery) {
    return config
        .with(F2cOptions.TORCH_THREADS, 1)
        .with(F2cOptions.EMBEDDING_DIM, 32)
        .with(F2cOptions.POOL_SIZE, 24)
        .with(F2cOptions.IDENTITY_BATCH, identityBatch)
        .with(F2cOptions.INSTANCE_BATCH, 8)
        .with(F2cOptions.SHUFFLE_BUFFER, 16)
        .with(F2cOptions.PUBLISH_EVERY_STEPS, publishEvery);
  }

  /** Flink settings: restart up to {@code attempts} times, {@code delay} apart. */
  static Consumer<Configuration> fixedDelayRestarts(int attempts, Duration delay) {
    return conf -> {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, delay);
    };
  }

  /** A read_committed reader of the test's models topic. */
  static TopicReader<ModelUpdate> models(F2cConfig config) {
    return new TopicReader<>(
        SharedKafka.bootstrapServers(),
        config.get(F2cOptions.MODELS_TOPIC),
        AvroCodec.modelUpdate());
  }

  /** A read_committed reader of the test's ONNX models topic. */
  static TopicReader<ModelUpdate> onnxModels(F2cConfig config) {
    return new TopicReader<>(
        SharedKafka.bootstrapServers(),
        config.get(ModelVersionOptions.ONNX_TOPIC),
        AvroCodec.modelUpdate());
  }

  /** Cancels the job unless it already ended, and waits until it has stopped (its result is in). */
  static void stop(JobClient job) throws Exception {
    if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
    try {
      job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException cancelled) {
      // A cancelled job's result is an exception; reaching it means the job is terminal.
    }
  }

  /** Writes images to the test's images topic, each send checked. */
  static final class Images implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AvroCodec<FaceImage> codec = AvroCodec.faceImage();

    Images(F2cConfig config) {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(F2cOptions.BOOTSTRAP_SERVERS));
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
      this.topic = config.get(F2cOptions.IMAGES_TOPIC);
    }

    void send(FaceImage image) throws Exception {
      sendRaw(image.getIdentityId(), codec.encode(image));
    }

    void sendRaw(String key, byte[] value) throws Exception {
      Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, key, value));
      sent.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws TimeoutException {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
