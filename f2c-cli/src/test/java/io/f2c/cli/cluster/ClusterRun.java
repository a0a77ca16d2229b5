package io.f2c.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.produce.FaceSource;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.F2cJob;
import io.f2c.job.calibration.HeldOutIdentities;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.job.kafka.Topics;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One failure case's topics, consumer group, producer (synthetic faces at 40 images/s unless told,
 * in a loop), model-version log and jobs on the local cluster; closing it cancels the jobs still
 * running.
 */
final class ClusterRun implements AutoCloseable {
  private final LocalCluster cluster;
  private final JobSubmitter flink;
  private final String jar;

  final String name;
  final FaceImageProducer producer;
  final Thread producing;
  final ModelVersionLog versions;
  final List<String> jobs = new ArrayList<>();

  ClusterRun(LocalCluster cluster, JobSubmitter flink, String jar, String name) throws Exception {
    this(cluster, flink, jar, name, 40);
  }

  /** The same with the producer at {@code rate} images/s. */
  ClusterRun(LocalCluster cluster, JobSubmitter flink, String jar, String name, double rate)
      throws Exception {
    this.cluster = cluster;
    this.flink = flink;
    this.jar = jar;
    this.name = name;
    Topics.ensure(
        cluster.bootstrapServers(),
        List.of(
            Topics.images(images(), 2, F2cOptions.MAX_IMAGE_BYTES.defaultValue()),
            new Topics.Spec(models(), 1),
            new Topics.Spec(onnxModels(), 1),
            new Topics.Spec(deadLetters(), 1)));
    producer =
        new FaceImageProducer(
            cluster.bootstrapServers(), images(), F2cOptions.MAX_IMAGE_BYTES.defaultValue());
    versions = new ModelVersionLog(cluster.bootstrapServers(), models());
    producing =
        new Thread(
            () -> {
              try {
                producer.run(
                    FaceSource.synthetic(new SyntheticFaces(7, 32), 40, 6, true, 7), rate, 0);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "producer-" + name);
    producing.start();
  }

  String images() {
    return name + "-images";
  }

  String models() {
    return name + "-models";
  }

  String onnxModels() {
    return name + "-onnx";
  }

  String deadLetters() {
    return name + "-dlq";
  }

  List<String> jobArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers", cluster.bootstrapServers(),
                "--images-topic", images(),
                "--models-topic", models(),
                "--onnx-topic", onnxModels(),
                "--dead-letter-topic", deadLetters(),
                "--group-id", name,
                "--input-size", "32",
                "--embedding-dim", "32",
                "--pool-size", "24",
                "--identity-batch", "4",
                "--instance-batch", "8",
                "--shuffle-buffer", "16",
                "--reservoir", "3",
                "--publish-every-steps", "5",
                "--checkpoint-interval-ms", "1000",
                "--torch-threads", "1"));
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * Stops the producer and checks the input rule: nothing lost at the producer, nothing left
   * unread, nothing rejected, every training image trained or held.
   */
  void assertInputAccountedFor(String jobId) throws Exception {
    producer.stop();
    producing.join(10_000);
    producer.flush();
    // Nothing lost at the producer: what Kafka refused for a retriable reason (the first batches to
    // a new topic saw NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE, until they expired) was
    // sent again.
    if (producer.resent() > 0) {
      System.out.println("producer " + name + ": " + producer.resent() + " sends repeated");
    }
    assertEquals(0, producer.failed(), "every image sent: " + producer.failures());
    // Nothing lost in Kafka: the topic holds every image it acknowledged (more only where a resend
    // followed a send that had landed after all).
    long inTopic = endOffsets(images(), 2);
    assertTrue(
        inTopic >= producer.sent(),
        "the images topic holds " + inTopic + " records, Kafka acknowledged " + producer.sent());
    System.out.printf(
        "producer %s: %d handed over, %d acknowledged, %d in the topic%n",
        name, producer.sent() + producer.failed(), producer.sent(), inTopic);
    // The backlog drains at the trainer's pace (backpressure), longer after a stop and restores.
    Await.until(
        "the job's committed offsets reach the end of " + images(),
        Duration.ofSeconds(180),
        () -> lag() == 0,
        () -> " (lag " + lag() + ")");
    assertEquals("RUNNING", flink.state(jobId).orElse(""));
    assertEquals(0, endOffsets(deadLetters(), 1), "no image was dead-lettered");
    // Nothing lost in the job: every image of a training identity was trained or is held, in an
    // instance loader's shuffle buffer or a trainer's pending batches, by state that restores.
    long training = trainingImagesInTopic();
    Await.until(
        "every training image of " + images() + " trained or held",
        Duration.ofSeconds(60),
        () -> trainedOrHeld(jobId) == training,
        () -> " (trained or held " + trainedOrHeld(jobId) + ", in the topic " + training + ")");
    System.out.printf(
        "job %s: %d images of training identities in the topic, all trained or held%n",
        name, training);
  }

  /**
   * Images the trainers received in instance batches (trained or pending) plus those waiting in the
   * instance loaders' shuffle buffers, over all subtasks; -1 while a figure is missing.
   */
  private long trainedOrHeld(String jobId) {
    int port = cluster.restPort();
    String loader =
        LocalRest.vertexNames(port, jobId).stream()
            .filter(vertex -> vertex.contains(F2cJob.INSTANCE_LOADER_NAME))
            .findFirst()
            .orElse(F2cJob.INSTANCE_LOADER_NAME);
    Optional<Double> received =
        LocalRest.vertexMetricSum(port, jobId, F2cJob.TRAINER_NAME, ".trainer.instanceImagesIn");
    Optional<Double> buffered =
        LocalRest.vertexMetricSum(
            port, jobId, loader, "." + F2cJob.INSTANCE_LOADER_NAME + ".imagesBuffered");
    if (received.isEmpty() || buffered.isEmpty()) {
      return -1;
    }
    return Math.round(received.get() + buffered.get());
  }

  /** Records of the images topic whose identity the job trains on (not held out). */
  private long trainingImagesInTopic() {
    double share = ModelVersionOptions.HELD_OUT_SHARE.defaultValue();
    Map<String, Object> settings =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<TopicPartition> partitions =
        List.of(new TopicPartition(images(), 0), new TopicPartition(images(), 1));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long training = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + images() + " to its end in 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          String identity = new String(record.key(), StandardCharsets.UTF_8);
          if (!HeldOutIdentities.isHeldOut(identity, share)) {
            training++;
          }
        }
      }
      return training;
    }
  }

  long lag() {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(name).partitionsToOffsetAndMetadata().get();
      long lag = 0;
      for (int p = 0; p < 2; p++) {
        TopicPartition partition = new TopicPartition(images(), p);
        long end =
            admin
                .listOffsets(Map.of(partition, OffsetSpec.latest()))
                .all()
                .get()
                .get(partition)
                .offset();
        OffsetAndMetadata at = committed.get(partition);
        lag += end - (at == null ? 0 : at.offset());
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  /** The job with this run's topics, trained until it published two versions. */
  String startTraining() throws Exception {
    String job = submit(jobArgs(), null);
    awaitVersion(2, Duration.ofSeconds(120));
    return job;
  }

  void awaitVersion(long version, Duration timeout) throws InterruptedException {
    Await.until(
        "model version " + version + " on " + models(),
        timeout,
        () -> versions.maxVersion() >= version,
        () -> " (versions " + versions.versions() + ")");
  }

  /** Submits the job and waits until it runs; it is cancelled when this run closes. */
  String submit(List<String> args, String savepoint) throws Exception {
    String job = flink.run(jar, F2cJob.class.getName(), args, null, savepoint);
    jobs.add(job);
    Await.until(
        "job " + job + " RUNNING",
        Duration.ofSeconds(90),
        () -> flink.state(job).orElse("").equals("RUNNING"),
        () -> " (state " + flink.state(job) + ", exceptions " + flink.exceptions(job) + ")");
    return job;
  }

  @Override
  public void close() throws Exception {
    for (String job : jobs) {
      if (List.of("RUNNING", "RESTARTING", "CREATED", "INITIALIZING")
          .contains(flink.state(job).orElse(""))) {
        flink.cancel(job);
      }
    }
    producer.stop();
    producing.join(10_000);
    producer.close();
    versions.close();
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
  }

  /** Records in the first {@code partitions} partitions of {@code topic}. */
  private long endOffsets(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      long total = 0;
      for (int p = 0; p < partitions; p++) {
        TopicPartition partition = new TopicPartition(topic, p);
        ListOffsetsResult.ListOffsetsResultInfo info =
            admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition);
        total += info.offset();
      }
      return total;
    }
  }
}
