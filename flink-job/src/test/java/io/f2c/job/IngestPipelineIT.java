package io.f2c.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.f2c.batching.IdentityCount;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.kafka.TopicReader;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;
import io.f2c.schema.RejectedRecord;
import io.f2c.testing.Await;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestFaces;
import io.f2c.training.TrainingDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Kafka broker (in-process KRaft) and a real Flink MiniCluster with RocksDB and
 * checkpoints: malformed records land in the dead-letter topic with their reason while the job
 * keeps running and every valid record is counted.
 */
class IngestPipelineIT {
  @RegisterExtension static final MiniClusterExtension CLUSTER = PipelineFixture.miniCluster();
  @TempDir static Path tmp;

  @Test
  void malformedRecordsGoToTheDeadLetterTopicWhileValidOnesAreAllCounted() throws Exception {
    F2cConfig config = PipelineFixture.options("ingest", tmp.resolve("checkpoints"), 500L);
    CollectingSink<IdentityCount> counts = new CollectingSink<>();
    // Write even tiny state files out (not inline in _metadata) so the test can see RocksDB's SST
    // files.
    JobClient job =
        PipelineFixture.start(
            config,
            counts,
            false,
            conf -> conf.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, MemorySize.ZERO));
    try (PipelineFixture.Images producer = new PipelineFixture.Images(config);
        TopicReader<RejectedRecord> deadLetters =
            new TopicReader<>(
                SharedKafka.bootstrapServers(),
                config.get(F2cOptions.DEAD_LETTER_TOPIC),
                AvroCodec.rejectedRecord())) {
      for (int id = 0; id < 4; id++) {
        producer.send(TestFaces.face(id, 0));
      }
      Await.until(
          "first valid records counted", Duration.ofSeconds(60), () -> counts.values().size() == 4);

      producer.sendRaw("mallory", "this is not an Avro record".getBytes(StandardCharsets.UTF_8));
      producer.sendRaw(
          "mallory",
          TestFaces.encoded(
              TestFaces.face(
                  "mallory",
                  "mallory/1",
                  new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0},
                  ImageFormat.PNG)));
      producer.sendRaw(
          "mallory",
          TestFaces.encoded(
              TestFaces.face(
                  "mallory",
                  "mallory/2",
                  "P5 60000 60000 255\n\0".getBytes(StandardCharsets.US_ASCII),
                  ImageFormat.PGM)));
      for (int id = 0; id < 4; id++) {
        producer.send(TestFaces.face(id, 1));
        producer.send(TestFaces.face(id, 2));
      }

      List<RejectedRecord> rejected = deadLetters.pollAtLeast(3, Duration.ofSeconds(60));
      assertEquals(
          List.of(
              RejectReason.MALFORMED_RECORD,
              RejectReason.CORRUPT_IMAGE,
              RejectReason.IMAGE_TOO_LARGE),
          rejected.stream().map(RejectedRecord::getReason).sorted().collect(Collectors.toList()));
      for (RejectedRecord r : rejected) {
        assertEquals(config.get(F2cOptions.IMAGES_TOPIC), r.getSourceTopic());
        assertTrue(r.getSourceOffset() >= 0);
        assertTrue(!r.getMessage().isBlank());
      }

      Await.until(
          "all 12 valid records counted",
          Duration.ofSeconds(60),
          () -> counts.values().size() == 12);
      assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
      Map<String, Long> last =
          counts.values().stream()
              .collect(Collectors.toMap(c -> c.identityId, c -> c.images, Math::max));
      assertEquals(
          Map.of("syn-00000", 3L, "syn-00001", 3L, "syn-00002", 3L, "syn-00003", 3L), last);

      // Checkpoints complete, and they are incremental RocksDB ones: its SST files go to the
      // "shared" folder.
      Await.until(
          "a completed incremental RocksDB checkpoint",
          Duration.ofSeconds(60),
          () ->
              checkpointFiles().anyMatch(p -> p.getFileName().toString().equals("_metadata"))
                  && checkpointFiles()
                      .anyMatch(p -> p.getParent().getFileName().toString().equals("shared")),
          IngestPipelineIT::listing);
    } finally {
      PipelineFixture.stop(job);
    }
  }

  @Test
  void aDeviceTheTaskManagerLacksFailsTheJobWithoutRestarting() throws Exception {
    if (Engine.getEngine("PyTorch").getGpuCount() > 0) {
      assertEquals(Device.gpu(), TrainingDevice.GPU.resolve(), "a GPU machine trains on it");
      return;
    }
    F2cConfig config =
        PipelineFixture.options("device", tmp.resolve("device-checkpoints"), 500L)
            .with(F2cOptions.DEVICE, TrainingDevice.GPU);
    // A restart strategy that would retry for minutes: the job must fail long before.
    JobClient job =
        PipelineFixture.start(
            config,
            new CollectingSink<>(),
            false,
            PipelineFixture.fixedDelayRestarts(1000, Duration.ofSeconds(1)));
    try {
      ExecutionException failed =
          assertThrows(
              ExecutionException.class,
              () -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS));
      List<Throwable> causes = new ArrayList<>();
      for (Throwable t = failed; t != null; t = t.getCause()) {
        causes.add(t);
      }
      assertTrue(
          causes.stream().anyMatch(t -> t instanceof SuppressRestartsException),
          "failed without restarts: " + causes);
      assertTrue(
          causes.stream().anyMatch(t -> String.valueOf(t.getMessage()).contains("--device gpu")),
          "names the setting: " + causes);
      assertEquals(JobStatus.FAILED, job.getJobStatus().get());
    } finally {
      PipelineFixture.stop(job);
    }
  }

  private static String listing() {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.map(Path::toString).collect(Collectors.joining("\n"));
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static Stream<Path> checkpointFiles() {
    try (Stream<Path> files = Files.walk(tmp.resolve("checkpoints"))) {
      return files.filter(Files::isRegularFile).collect(Collectors.toList()).stream();
    } catch (Exception e) {
      return Stream.empty();
    }
  }
}
