package io.f2c.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.IdentityCount;
import io.f2c.config.F2cConfig;
import io.f2c.config.F2cOptions;
import io.f2c.ingest.FaceImageProducer;
import io.f2c.ingest.FaceSource;
import io.f2c.kafka.KafkaConnectors;
import io.f2c.kafka.TopicReader;
import io.f2c.kafka.Topics;
import io.f2c.model.Embedder;
import io.f2c.model.ModelAssembler;
import io.f2c.runtime.FlinkSettings;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.testing.Await;
import io.f2c.testing.SharedKafka;
import io.f2c.training.StepHook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole training job on a real broker and MiniCluster with RocksDB: faces in, model versions
 * out, exactly once, through a failure on purpose and Flink's restore from the last checkpoint.
 */
class TrainingPipelineIT {
  private static final int IDENTITIES = 60;
  private static final int IMAGES_EACH = 6;

  @Test
  void failureMidTrainingIsRestoredAndVersionsStayExactlyOnce(@TempDir Path tmp) throws Exception {
    String images = "faces-train";
    String models = "models-train";
    Topics.ensure(
        SharedKafka.bootstrapServers(),
        List.of(
            new Topics.Spec(images, 2),
            new Topics.Spec(models, 1),
            new Topics.Spec("dlq-train", 1)));
    F2cConfig config =
        F2cConfig.defaults()
            .with(F2cOptions.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers())
            .with(F2cOptions.IMAGES_TOPIC, images)
            .with(F2cOptions.MODELS_TOPIC, models)
            .with(F2cOptions.DEAD_LETTER_TOPIC, "dlq-train")
            .with(F2cOptions.GROUP_ID, "train-it")
            .with(F2cOptions.INPUT_SIZE, 32)
            .with(F2cOptions.EMBEDDING_DIM, 32)
            .with(F2cOptions.POOL_SIZE, 24)
            .with(F2cOptions.IDENTITY_BATCH, 4)
            .with(F2cOptions.INSTANCE_BATCH, 8)
            .with(F2cOptions.SHUFFLE_BUFFER, 16)
            .with(F2cOptions.RESERVOIR, 3)
            .with(F2cOptions.PUBLISH_EVERY_STEPS, 5L)
            .with(F2cOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints"))
            .with(F2cOptions.CHECKPOINT_INTERVAL_MS, 400L);
    Configuration flinkConf = FlinkSettings.jobConfiguration(config, true);
    flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    flinkConf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flinkConf);
    CollectingSink<IdentityCount> counts = new CollectingSink<>();
    F2cJob.build(
        env,
        F2cJob.kafkaSource(config),
        new F2cJob.Sinks(
            KafkaConnectors.deadLetterSink(F2cJob.kafka(config), "dlq-train"),
            counts,
            KafkaConnectors.modelSink(F2cJob.kafka(config), models, "f2c")),
        config,
        new FailOnceAtStep());
    JobClient job = env.executeAsync("training-it");
    List<ModelUpdate> chunks = new ArrayList<>();
    try (FaceImageProducer producer =
            new FaceImageProducer(
                SharedKafka.bootstrapServers(), images, F2cOptions.MAX_IMAGE_BYTES.defaultValue());
        TopicReader<ModelUpdate> reader =
            new TopicReader<>(SharedKafka.bootstrapServers(), models, AvroCodec.modelUpdate())) {
      // Slowly enough that checkpoints complete before the failure at step 12.
      producer.run(
          FaceSource.synthetic(new SyntheticFaces(9, 32), IDENTITIES, IMAGES_EACH, false, 9),
          80,
          0);
      Await.until(
          "7 model versions",
          Duration.ofSeconds(120),
          () -> {
            chunks.addAll(reader.poll(Duration.ofMillis(200)));
            return chunks.stream().mapToLong(ModelUpdate::getVersion).max().orElse(0) >= 7;
          },
          () ->
              " (versions so far: "
                  + chunks.stream().map(ModelUpdate::getVersion).distinct().toList()
                  + ")");

      // Exactly once: versions 1, 2, 3, ... in order, each complete, none repeated, whatever the
      // failure did.
      Map<Long, List<ModelUpdate>> byVersion = new LinkedHashMap<>();
      chunks.forEach(c -> byVersion.computeIfAbsent(c.getVersion(), v -> new ArrayList<>()).add(c));
      List<Long> versions = new ArrayList<>(byVersion.keySet());
      for (int i = 0; i < versions.size(); i++) {
        assertEquals(i + 1, versions.get(i), "versions in order without gaps: " + versions);
        List<ModelUpdate> parts = byVersion.get(versions.get(i));
        assertEquals(
            parts.get(0).getChunkCount(),
            parts.size(),
            "each chunk once, version " + versions.get(i));
        assertEquals((long) (5 * (i + 1)), parts.get(0).getTrainingStep());
      }
      ModelAssembler assembler = new ModelAssembler();
      ModelAssembler.Complete latest = null;
      for (ModelUpdate c : chunks) {
        latest = assembler.add(c).orElse(latest);
      }
      try (Embedder embedder = Embedder.load(latest.blob())) {
        assertEquals(32, embedder.embeddingDim());
        assertEquals(32, embedder.input().size());
      }
      assertTrue(job.getJobStatus().get().toString().equals("RUNNING"));

      // The failure happened, and the second attempt resumed from a checkpoint, not from a fresh
      // trainer.
      Long resumedAt = FailOnceAtStep.FIRST_STEP_OF_ATTEMPT.get(1);
      assertTrue(
          resumedAt != null,
          "the job restarted after the failure: " + FailOnceAtStep.FIRST_STEP_OF_ATTEMPT);
      assertTrue(
          resumedAt > 1 && resumedAt <= FailOnceAtStep.STEP,
          "attempt 1 resumed at step "
              + resumedAt
              + " (restored from a checkpoint before the failure)");

      // No input lost across the restore: every identity's registry count reaches its number of
      // images; none counted twice: no count goes past it (the registry is restored with the source
      // offsets).
      Await.until(
          "every image counted",
          Duration.ofSeconds(60),
          () ->
              maxCounts(counts).size() == IDENTITIES
                  && maxCounts(counts).values().stream().allMatch(n -> n >= IMAGES_EACH),
          () -> " " + maxCounts(counts));
      assertTrue(
          maxCounts(counts).values().stream().allMatch(n -> n == IMAGES_EACH),
          maxCounts(counts).toString());
    } finally {
      job.cancel().get();
    }
  }

  /**
   * Fails the first attempt once before step {@link #STEP}; records the first step each attempt
   * runs.
   */
  static final class FailOnceAtStep implements StepHook {
    static final int STEP = 12;
    static final Map<Integer, Long> FIRST_STEP_OF_ATTEMPT = new ConcurrentHashMap<>();

    @Override
    public void beforeStep(long step, int attempt) {
      FIRST_STEP_OF_ATTEMPT.putIfAbsent(attempt, step);
      if (attempt == 0 && step == STEP) {
        throw new IllegalStateException("failing on purpose at step " + step + " (test)");
      }
    }
  }

  private static Map<String, Long> maxCounts(CollectingSink<IdentityCount> counts) {
    return counts.values().stream()
        .collect(Collectors.toMap(c -> c.identityId, c -> c.images, Math::max));
  }
}
