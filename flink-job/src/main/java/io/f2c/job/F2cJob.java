package io.f2c.job;

import io.f2c.batching.IdentityCount;
import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.batching.IdentityBatcher;
import io.f2c.job.batching.InstanceBatcher;
import io.f2c.job.calibration.CohortWatcher;
import io.f2c.job.calibration.HeldOutIdentities;
import io.f2c.job.calibration.ThresholdCalibrator;
import io.f2c.job.calibration.WatchedIdentities;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.JobOptions;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.job.config.TrainerSettings;
import io.f2c.job.ingest.DecodeAndValidate;
import io.f2c.job.ingest.DecodedFace;
import io.f2c.job.ingest.FaceValidator;
import io.f2c.job.kafka.KafkaConnectors;
import io.f2c.job.kafka.PublishedVersions;
import io.f2c.job.kafka.RawRecord;
import io.f2c.job.kafka.Topics;
import io.f2c.job.publishing.ModelUpdateSplitter;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.job.runtime.FlinkSettings;
import io.f2c.job.training.TrainerKeys;
import io.f2c.job.training.TrainerOperatorFactory;
import io.f2c.job.training.TrainingFunction;
import io.f2c.job.training.TrainingSettings;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.model.Embedder;
import io.f2c.model.ModelAssembler;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.schema.ModelUpdate;
import io.f2c.schema.RejectedRecord;
import io.f2c.training.TrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The streaming job. Its source and sinks are passed in, so tests run the same topology on test
 * inputs:
 *
 * <pre>
 *   images source -> decode + validate --(rejected)--> dead-letter sink
 *                         |
 *                   held-out identities --(their faces)--------------------------------+
 *                         |                                                            |
 *                         +--> instance loader (shuffle buffer) -------------------+   |
 *                         |                                                         v  v
 *                         +--> keyBy(identity) -> identity loader (RocksDB) --> trainer --> threshold
 *                                                   |  (registry)                          calibration
 *                                                   v                                          |
 *                                          identity-count sink         model versions -> chunks -> models sink
 *
 * The trainer runs as --trainers subtasks whose networks an operator coordinator averages.
 * </pre>
 *
 * Run it on a cluster with {@code flink run -c io.f2c.job.F2cJob flink-job-*-job.jar
 * --bootstrap-servers H:P}.
 */
public final class F2cJob {
  public static final String JOB_NAME = "f2c-face-training";
  public static final String SOURCE_NAME = "face-images";
  public static final String DECODE_NAME = "decode-validate";
  public static final String REGISTRY_NAME = "identity-loader";
  public static final String INSTANCE_LOADER_NAME = "instance-loader";
  public static final String TRAINER_NAME = "trainer";
  public static final String HELD_OUT_NAME = "held-out-identities";
  public static final String CALIBRATION_NAME = "threshold-calibration";
  public static final String COHORTS_NAME = "cohort-watch";
  public static final String WATCHED_NAME = "watched-identities";

  /** Model versions are checked and published by one task, under this key. */
  public static final String VERSIONS_KEY = "versions";

  private static final int ONE_TASK = 1;

  private F2cJob() {}

  /** Where the job's results go. */
  public record Sinks(
      Sink<RejectedRecord> deadLetters,
      Sink<IdentityCount> identityCounts,
      Sink<ModelUpdate> models) {}

  /** Adds the topology to {@code env}; returns the per-identity counts stream (before its sink). */
  public static DataStream<IdentityCount> build(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      Sinks sinks,
      F2cConfig config) {
    TrainerConfig trainerConfig = TrainerSettings.from(config);
    ImageDecoder decoder =
        new ImageDecoder(
            trainerConfig.input(),
            config.get(F2cOptions.MAX_IMAGE_PIXELS),
            config.get(F2cOptions.MAX_IMAGE_BYTES));
    DataStream<RawRecord> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME)
            .uid("source-face-images");
    SingleOutputStreamOperator<DecodedFace> faces =
        raw.process(new DecodeAndValidate(new FaceValidator(decoder)))
            .name(DECODE_NAME)
            .uid(DECODE_NAME);
    faces
        .getSideOutput(DecodeAndValidate.REJECTED)
        .sinkTo(sinks.deadLetters())
        .name("dead-letters")
        .uid("sink-dead-letters");
    SingleOutputStreamOperator<DecodedFace> trainingFaces =
        faces
            .process(new HeldOutIdentities(config.get(ModelVersionOptions.HELD_OUT_SHARE)))
            .name(HELD_OUT_NAME)
            .uid(HELD_OUT_NAME);
    DataStream<DecodedFace> heldOutFaces = trainingFaces.getSideOutput(HeldOutIdentities.HELD_OUT);
    long seed = config.get(F2cOptions.SEED);
    SingleOutputStreamOperator<InstanceBatchRecord> instanceBatches =
        trainingFaces
            .process(
                new InstanceBatcher(
                    config.get(F2cOptions.INSTANCE_BATCH),
                    config.get(F2cOptions.SHUFFLE_BUFFER),
                    seed))
            .name(INSTANCE_LOADER_NAME)
            .uid(INSTANCE_LOADER_NAME);
    SingleOutputStreamOperator<IdentitySample> samples =
        trainingFaces
            .keyBy(face -> face.identityId)
            .process(
                new IdentityBatcher(
                    config.get(F2cOptions.RESERVOIR),
                    config.get(F2cOptions.REPLAY_INTERVAL_MS),
                    sampleShare(config),
                    replaysPerArrival(config),
                    seed))
            .name(REGISTRY_NAME)
            .uid(REGISTRY_NAME);
    DataStream<IdentityCount> counts = samples.getSideOutput(IdentityBatcher.REGISTRY);
    counts.sinkTo(sinks.identityCounts()).name("identity-counts").uid("sink-identity-counts");

    TrainingSettings training =
        new TrainingSettings(
            trainerConfig,
            config.get(F2cOptions.MODEL_NAME),
            config.get(F2cOptions.IDENTITY_BATCH),
            config.get(F2cOptions.REPLAY_SHARE),
            config.get(F2cOptions.PUBLISH_EVERY_STEPS),
            publishedBefore(config),
            initModel(config),
            config.get(F2cOptions.AVERAGE_EVERY_STEPS));
    int trainers = trainers(config, trainerConfig);
    // K trainers, one model: identities are split among them by key, instance batches spread
    // evenly, and their networks averaged in rounds through the operator's coordinator (DJL has
    // no all-reduce, and Flink 2 no feedback edges). One trainer publishes the average.
    SingleOutputStreamOperator<PublishedModel> models =
        samples
            .keyBy(sample -> sample.identityId)
            .connect(instanceBatches.keyBy(TrainerKeys.spreading(trainers)))
            .transform(
                TRAINER_NAME,
                TypeInformation.of(PublishedModel.class),
                new TrainerOperatorFactory(new TrainingFunction(training)))
            .uid(TRAINER_NAME)
            .setParallelism(trainers)
            .setMaxParallelism(TrainerKeys.MAX_TRAINERS);
    models
        .keyBy(model -> VERSIONS_KEY)
        .connect(heldOutFaces.keyBy(face -> VERSIONS_KEY))
        .process(new ThresholdCalibrator(config.get(ModelVersionOptions.HELD_OUT_FACES)))
        .name(CALIBRATION_NAME)
        .uid(CALIBRATION_NAME)
        .setParallelism(ONE_TASK)
        .setMaxParallelism(ONE_TASK)
        .keyBy(model -> VERSIONS_KEY)
        .connect(watchedFaces(trainingFaces, config).keyBy(face -> VERSIONS_KEY))
        .process(new CohortWatcher(config.get(ModelVersionOptions.WATCH_COHORT)))
        .name(COHORTS_NAME)
        .uid(COHORTS_NAME)
        .setParallelism(ONE_TASK)
        .setMaxParallelism(ONE_TASK)
        .flatMap(new ModelUpdateSplitter(config.get(ModelVersionOptions.PUBLISH_ONNX)))
        .name("model-chunks")
        .uid("model-chunks")
        .setParallelism(ONE_TASK)
        .sinkTo(sinks.models())
        .name("models")
        .uid("sink-models")
        .setParallelism(ONE_TASK);
    return counts;
  }

  /** --trainers, checked: more than one averages DCP networks, which the FC baseline is not. */
  static int trainers(F2cConfig config, TrainerConfig trainer) {
    int trainers = config.get(F2cOptions.TRAINERS);
    if (trainers > 1 && trainer.head() != TrainerConfig.Head.DCP) {
      throw new IllegalArgumentException(
          "--trainers "
              + trainers
              + " needs --head dcp (the FC baseline keeps every class on one trainer)");
    }
    if (trainers > TrainerKeys.MAX_TRAINERS) {
      throw new IllegalArgumentException(
          "--trainers "
              + trainers
              + ": at most "
              + TrainerKeys.MAX_TRAINERS
              + " (the trainer's key groups)");
    }
    return trainers;
  }

  /** The faces of watched identities; they train too. */
  private static DataStream<DecodedFace> watchedFaces(
      DataStream<DecodedFace> trainingFaces, F2cConfig config) {
    double watched = config.get(ModelVersionOptions.WATCH_SHARE);
    double heldOut = config.get(ModelVersionOptions.HELD_OUT_SHARE);
    if (watched + heldOut >= 1) {
      throw new IllegalArgumentException(
          "--watch-share "
              + watched
              + " and --held-out-share "
              + heldOut
              + " add up to 1 or more: lower one of them");
    }
    return trainingFaces
        .filter(new WatchedIdentities(watched))
        .name(WATCHED_NAME)
        .uid(WATCHED_NAME);
  }

  /**
   * The images topic as the options describe it (partitions, and messages as large as
   * --max-image-bytes allows).
   */
  public static Topics.Spec imagesTopic(F2cConfig config) {
    return Topics.images(
        config.get(F2cOptions.IMAGES_TOPIC),
        config.get(F2cOptions.IMAGES_PARTITIONS),
        config.get(F2cOptions.MAX_IMAGE_BYTES));
  }

  /** The job's topics: images, dead letters, models and (unless turned off) ONNX models. */
  public static List<Topics.Spec> topics(F2cConfig config) {
    List<Topics.Spec> topics =
        new ArrayList<>(
            List.of(
                imagesTopic(config),
                new Topics.Spec(config.get(F2cOptions.DEAD_LETTER_TOPIC), 1),
                new Topics.Spec(config.get(F2cOptions.MODELS_TOPIC), 1)));
    if (config.get(ModelVersionOptions.PUBLISH_ONNX)) {
      topics.add(new Topics.Spec(config.get(ModelVersionOptions.ONNX_TOPIC), 1));
    }
    return List.copyOf(topics);
  }

  /**
   * The model of --init-model, read here on the client and checked to load (a model that does not
   * load fails now, with one line, not as a restart loop on the cluster); null for none.
   */
  static TrainingSettings.InitModel initModel(F2cConfig config) {
    String value = config.get(ModelVersionOptions.INIT_MODEL).trim();
    if (value.equals("none")) {
      return null;
    }
    TrainingSettings.InitModel model;
    if (value.equals("latest")) {
      if (config.get(F2cOptions.BOOTSTRAP_SERVERS).isEmpty()) {
        throw new IllegalArgumentException(
            "--init-model latest reads the models topic: give --bootstrap-servers too");
      }
      String topic = config.get(F2cOptions.MODELS_TOPIC);
      String name = config.get(F2cOptions.MODEL_NAME);
      ModelAssembler.Complete latest =
          PublishedVersions.latestComplete(kafka(config), topic, name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--init-model latest: no complete version of model "
                              + name
                              + " on "
                              + topic
                              + "; start with --init-model none"));
      model =
          new TrainingSettings.InitModel(
              "model " + name + " v" + latest.header().getVersion() + " on " + topic,
              latest.blob());
    } else {
      Path file = Path.of(value);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "--init-model "
                + file
                + " is not a file: give a model saved by subscribe --save, latest or none");
      }
      try {
        model = new TrainingSettings.InitModel("file " + file, Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try (Embedder check = Embedder.load(model.blob())) {
      return model;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--init-model " + value + ": " + e.getMessage(), e);
    }
  }

  /** The latest version of this model on the models topic (0 without Kafka or versions). */
  static long publishedBefore(F2cConfig config) {
    return config.get(F2cOptions.BOOTSTRAP_SERVERS).isEmpty()
        ? 0
        : PublishedVersions.latest(
            kafka(config), config.get(F2cOptions.MODELS_TOPIC), config.get(F2cOptions.MODEL_NAME));
  }

  /**
   * How the job's clients reach Kafka: --bootstrap-servers and the client properties of
   * --kafka-config (read here, on the client; the source and sinks carry them to the cluster).
   */
  public static KafkaClientConfig kafka(F2cConfig config) {
    return KafkaClientConfig.load(
        config.get(F2cOptions.BOOTSTRAP_SERVERS), config.get(F2cOptions.KAFKA_CONFIG));
  }

  /**
   * A step uses identity-batch samples and one instance batch; images arrive at about
   * instance-batch per step, so a share of identity-batch / instance-batch of them (with a margin,
   * capped at 1) keeps the trainer supplied.
   */
  static double sampleShare(F2cConfig config) {
    return Math.min(1.0, replaysPerArrival(config));
  }

  /**
   * Identity samples the trainer can use per arriving image: an identity batch per instance batch
   * of new images, with a quarter to spare so that batches do not wait for them. As many replays,
   * since a batch may be replays only.
   */
  static double replaysPerArrival(F2cConfig config) {
    return 1.25 * config.get(F2cOptions.IDENTITY_BATCH) / config.get(F2cOptions.INSTANCE_BATCH);
  }

  /** The Kafka-backed sinks for a given configuration (identity counts are not published). */
  public static Sinks kafkaSinks(F2cConfig config) {
    return kafkaSinks(config, new DiscardingSink<>());
  }

  public static Sinks kafkaSinks(F2cConfig config, Sink<IdentityCount> identityCounts) {
    KafkaClientConfig kafka = kafka(config);
    return new Sinks(
        KafkaConnectors.deadLetterSink(kafka, config.get(F2cOptions.DEAD_LETTER_TOPIC)),
        identityCounts,
        KafkaConnectors.modelSink(
            kafka,
            config.get(F2cOptions.MODELS_TOPIC),
            config.get(ModelVersionOptions.ONNX_TOPIC),
            config.get(F2cOptions.MODEL_NAME)));
  }

  public static Source<RawRecord, ?, ?> kafkaSource(F2cConfig config) {
    return KafkaConnectors.rawSource(
        kafka(config),
        config.get(F2cOptions.IMAGES_TOPIC),
        config.get(F2cOptions.GROUP_ID),
        config.get(F2cOptions.START_FROM));
  }

  /**
   * Entry point for {@code flink run}: the cluster provides the environment; Kafka comes from the
   * flags.
   */
  public static void main(String[] args) throws Exception {
    F2cConfig config = JobOptions.parseClusterJob(args);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            FlinkSettings.jobConfiguration(config, false));
    build(env, kafkaSource(config), kafkaSinks(config), config);
    env.execute(JOB_NAME);
  }
}
