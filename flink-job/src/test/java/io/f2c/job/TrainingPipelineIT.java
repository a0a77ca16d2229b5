package io.f2c.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.IdentityCount;
import io.f2c.export.OnnxExport;
import io.f2c.job.calibration.HeldOutIdentities;
import io.f2c.job.calibration.ThresholdCalibrator;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.job.kafka.TopicReader;
import io.f2c.job.publishing.ModelChunker;
import io.f2c.job.publishing.ModelUpdateSplitter;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.model.Embedder;
import io.f2c.model.ModelAssembler;
import io.f2c.schema.ModelUpdate;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole training job on a real broker and MiniCluster with RocksDB: faces in, model versions
 * out, exactly once, through a failure on purpose and Flink's restore from the last checkpoint.
 */
class TrainingPipelineIT {
  private static final int IDENTITIES = 60;
  private static final int IMAGES_EACH = 6;

  /** Holds out 4 of the first 30 identities and 7 of all 60 (by their ids' hash). */
  private static final double HELD_OUT_SHARE = 0.2;

  private static final SyntheticFaces FACES = new SyntheticFaces(9, 32);

  @RegisterExtension static final MiniClusterExtension CLUSTER = PipelineFixture.miniCluster();
  @TempDir static Path tmp;

  /**
   * The ONNX topic, written in the same transactions, holds the same versions exactly once, and its
   * copy of the latest one is the export of that version's blob, byte for byte.
   */
  private static void assertOnnxTopicHoldsTheSameVersions(
      F2cConfig config, Set<Long> versions, ModelAssembler.Complete latest) throws Exception {
    Map<Long, ModelAssembler.Complete> onnx = new TreeMap<>();
    ModelAssembler assembler = new ModelAssembler();
    try (TopicReader<ModelUpdate> reader = PipelineFixture.onnxModels(config)) {
      Await.until(
          "the ONNX copies of versions " + versions,
          Duration.ofSeconds(60),
          () -> {
            for (ModelUpdate c : reader.poll(Duration.ofMillis(200))) {
              assertEquals(ModelChunker.FORMAT_ONNX, c.getFormat());
              assembler.add(c).ifPresent(v -> onnx.put(v.header().getVersion(), v));
            }
            return onnx.keySet().containsAll(versions);
          },
          () -> " have " + onnx.keySet());
    }
    assertEquals(List.copyOf(versions), List.copyOf(onnx.keySet()).subList(0, versions.size()));
    long version = latest.header().getVersion();
    PublishedModel model = new PublishedModel();
    model.modelName = latest.header().getModelName();
    model.version = version;
    model.trainingStep = latest.header().getTrainingStep();
    Float threshold = latest.header().getVerificationThreshold();
    model.verificationThreshold = threshold == null ? Float.NaN : threshold;
    byte[] expected = OnnxExport.fromBlob(latest.blob(), ModelUpdateSplitter.onnxMetadata(model));
    assertArrayEquals(expected, onnx.get(version).blob(), "ONNX v" + version + " is its export");
  }

  @Test
  void failureAfterACommittedVersionIsRestoredAndVersionsStayExactlyOnce() throws Exception {
    F2cConfig config =
        PipelineFixture.smallTrainer(
                PipelineFixture.options("train", tmp.resolve("checkpoints"), 400L), 4, 5L)
            .with(F2cOptions.RESERVOIR, 3)
            .with(ModelVersionOptions.HELD_OUT_SHARE, HELD_OUT_SHARE);
    Set<String> heldOut =
        IntStream.range(0, IDENTITIES)
            .mapToObj(SyntheticFaces::identityId)
            .filter(id -> HeldOutIdentities.isHeldOut(id, HELD_OUT_SHARE))
            .collect(Collectors.toSet());
    assertTrue(
        IntStream.range(0, IDENTITIES / 2)
                .filter(i -> heldOut.contains(SyntheticFaces.identityId(i)))
                .count()
            >= ThresholdCalibrator.MIN_IDENTITIES,
        "the first half holds out enough identities for a threshold: " + heldOut);
    FailOnceWhenArmedSink<IdentityCount> counts = new FailOnceWhenArmedSink<>();
    JobClient job =
        PipelineFixture.start(
            config, counts, true, PipelineFixture.fixedDelayRestarts(3, Duration.ofMillis(500)));
    List<ModelUpdate> chunks = new ArrayList<>();
    try (PipelineFixture.Images producer = new PipelineFixture.Images(config);
        TopicReader<ModelUpdate> reader = PipelineFixture.models(config)) {
      PipelineFixture.sendIdentities(producer, FACES, 0, IDENTITIES / 2, IMAGES_EACH);
      PipelineFixture.awaitVersion(reader, chunks, 2);
      // Version 2 is visible read_committed, so a checkpoint with its step has completed: the
      // failure comes after it, and the restore must continue from it, not from a fresh trainer.
      counts.arm();
      PipelineFixture.sendIdentities(producer, FACES, IDENTITIES / 2, IDENTITIES, IMAGES_EACH);
      Await.until("the job to fail on purpose", Duration.ofSeconds(60), counts::failed);
      Await.until(
          "the job to restart (a writer of attempt 1)",
          Duration.ofSeconds(60),
          () -> counts.attempts().contains(1),
          () -> " attempts: " + counts.attempts());
      PipelineFixture.awaitVersion(reader, chunks, 7);

      // Exactly once: versions 1, 2, 3, ... in order, each complete, none repeated, each with the
      // step it was made at. A trainer that restarted from nothing would publish version 1 again.
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
      assertOnnxTopicHoldsTheSameVersions(config, byVersion.keySet(), latest);
      // The held-out identities' faces, sent before version 2, chose the later versions' threshold.
      Float threshold = latest.header().getVerificationThreshold();
      assertTrue(threshold != null && threshold > -1 && threshold < 1, "threshold " + threshold);
      assertEquals(JobStatus.RUNNING, job.getJobStatus().get());

      // No input lost across the restore: every identity's registry count reaches its number of
      // images; none counted twice: no count goes past it (the registry is restored with the source
      // offsets).
      Await.until(
          "every image counted",
          Duration.ofSeconds(60),
          () ->
              maxCounts(counts).size() == IDENTITIES - heldOut.size()
                  && maxCounts(counts).values().stream().allMatch(n -> n >= IMAGES_EACH),
          () -> " " + maxCounts(counts));
      assertTrue(
          heldOut.stream().noneMatch(maxCounts(counts)::containsKey),
          "no held-out identity reached training");
      assertTrue(
          maxCounts(counts).values().stream().allMatch(n -> n == IMAGES_EACH),
          maxCounts(counts).toString());
    } finally {
      PipelineFixture.stop(job);
    }
  }

  @Test
  void aStreamOfFewerIdentitiesThanAnIdentityBatchStillTrainsAndPublishes() throws Exception {
    int identities = 5;
    F2cConfig config =
        PipelineFixture.smallTrainer(
            PipelineFixture.options("few", tmp.resolve("few-checkpoints"), 1000L), 16, 2L);
    JobClient job = PipelineFixture.start(config, new CollectingSink<>(), true, conf -> {});
    List<ModelUpdate> chunks = new ArrayList<>();
    try (PipelineFixture.Images producer = new PipelineFixture.Images(config);
        TopicReader<ModelUpdate> reader = PipelineFixture.models(config)) {
      PipelineFixture.sendIdentities(producer, FACES, 0, identities, 12);
      // 5 identities never fill a batch of 16: before, no step ever ran and nothing came out.
      PipelineFixture.awaitVersion(reader, chunks, 2);
      assertTrue(
          chunks.stream().filter(c -> c.getVersion() == 2).allMatch(c -> c.getTrainingStep() == 4),
          "version 2 made at step 4");
    } finally {
      PipelineFixture.stop(job);
    }
  }

  /** A trainer small enough for the test: D 32, a pool of 24, instance batches of 8. */
  private static Map<String, Long> maxCounts(FailOnceWhenArmedSink<IdentityCount> counts) {
    return counts.values().stream()
        .collect(Collectors.toMap(c -> c.identityId, c -> c.images, Math::max));
  }
}
