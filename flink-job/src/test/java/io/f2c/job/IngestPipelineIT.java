package io.f2c.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.IdentityCount;
import io.f2c.config.F2cConfig;
import io.f2c.config.F2cOptions;
import io.f2c.ingest.FaceImageProducer;
import io.f2c.kafka.KafkaConnectors;
import io.f2c.kafka.TopicReader;
import io.f2c.kafka.Topics;
import io.f2c.runtime.FlinkSettings;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;
import io.f2c.schema.RejectedRecord;
import io.f2c.testing.Await;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestFaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Kafka broker (in-process KRaft) and a real Flink MiniCluster with RocksDB and
 * checkpoints: malformed records land in the dead-letter topic with their reason while the job
 * keeps running and every valid record is counted.
 */
class IngestPipelineIT {
  @Test
  void malformedRecordsGoToTheDeadLetterTopicWhileValidOnesAreAllCounted(@TempDir Path tmp)
      throws Exception {
    String images = "face-images-it";
    String dlq = "face-images-dlq-it";
    Topics.ensure(
        SharedKafka.bootstrapServers(),
        List.of(new Topics.Spec(images, 2), new Topics.Spec(dlq, 1)));
    F2cConfig config =
        F2cConfig.defaults()
            .with(F2cOptions.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers())
            .with(F2cOptions.IMAGES_TOPIC, images)
            .with(F2cOptions.DEAD_LETTER_TOPIC, dlq)
            .with(F2cOptions.GROUP_ID, "it-" + System.nanoTime())
            .with(F2cOptions.INPUT_SIZE, 32)
            .with(F2cOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints"))
            .with(F2cOptions.CHECKPOINT_INTERVAL_MS, 500L);

    Configuration flinkConf = FlinkSettings.jobConfiguration(config, true);
    // Write even tiny state files out (not inline in _metadata) so the test can see RocksDB's SST
    // files.
    flinkConf.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, MemorySize.ZERO);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flinkConf);
    CollectingSink<IdentityCount> counts = new CollectingSink<>();
    F2cJob.build(
        env,
        F2cJob.kafkaSource(config),
        new F2cJob.Sinks(
            KafkaConnectors.deadLetterSink(F2cJob.kafka(config), dlq),
            counts,
            new DiscardingSink<>()),
        config);
    JobClient job = env.executeAsync("ingest-it");
    try (FaceImageProducer producer =
            new FaceImageProducer(
                SharedKafka.bootstrapServers(), images, F2cOptions.MAX_IMAGE_BYTES.defaultValue());
        TopicReader<RejectedRecord> deadLetters =
            new TopicReader<>(SharedKafka.bootstrapServers(), dlq, AvroCodec.rejectedRecord())) {
      for (int id = 0; id < 4; id++) {
        producer.send(TestFaces.face(id, 0));
      }
      producer.flush();
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
      producer.flush();

      List<RejectedRecord> rejected = deadLetters.pollAtLeast(3, Duration.ofSeconds(60));
      assertEquals(
          List.of(
              RejectReason.MALFORMED_RECORD,
              RejectReason.CORRUPT_IMAGE,
              RejectReason.IMAGE_TOO_LARGE),
          rejected.stream().map(RejectedRecord::getReason).sorted().collect(Collectors.toList()));
      for (RejectedRecord r : rejected) {
        assertEquals(images, r.getSourceTopic());
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
              checkpointFiles(tmp).anyMatch(p -> p.getFileName().toString().equals("_metadata"))
                  && checkpointFiles(tmp)
                      .anyMatch(p -> p.getParent().getFileName().toString().equals("shared")),
          () -> listing(tmp));
    } finally {
      job.cancel().get();
    }
  }

  private static String listing(Path tmp) {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.map(Path::toString).collect(Collectors.joining("\n"));
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static Stream<Path> checkpointFiles(Path tmp) {
    try (Stream<Path> files = Files.walk(tmp.resolve("checkpoints"))) {
      return files.filter(Files::isRegularFile).collect(Collectors.toList()).stream();
    } catch (Exception e) {
      return Stream.empty();
    }
  }
}
