package io.f2c.cli;

import static io.f2c.cli.config.ToolOptions.IMAGES_DIR;
import static io.f2c.cli.config.ToolOptions.JSON;
import static io.f2c.cli.config.ToolOptions.PROGRESS_INTERVAL_MS;
import static io.f2c.cli.config.ToolOptions.SECONDS;
import static io.f2c.cli.config.ToolOptions.SYNTHETIC_IDENTITIES;
import static io.f2c.cli.config.ToolOptions.SYNTHETIC_IMAGES;
import static io.f2c.job.config.F2cOptions.BOOTSTRAP_SERVERS;
import static io.f2c.job.config.F2cOptions.CHANNELS;
import static io.f2c.job.config.F2cOptions.CROP_FRACTION;
import static io.f2c.job.config.F2cOptions.DASHBOARD_PORT;
import static io.f2c.job.config.F2cOptions.HELP;
import static io.f2c.job.config.F2cOptions.IMAGES_PARTITIONS;
import static io.f2c.job.config.F2cOptions.IMAGES_TOPIC;
import static io.f2c.job.config.F2cOptions.INPUT_SIZE;
import static io.f2c.job.config.F2cOptions.MODELS_TOPIC;
import static io.f2c.job.config.F2cOptions.RATE;
import static io.f2c.job.config.F2cOptions.SEED;

import io.f2c.cli.config.ToolOptions;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.JobOptions;
import java.util.List;

/** The launcher's subcommands and the options each accepts. */
public final class Commands {
  private Commands() {}

  public static final Command DEMO =
      new Command(
          "demo",
          "[--seconds N] [--images DIR] [options]",
          "Runs the whole system on this machine: an embedded Kafka broker (unless --bootstrap-servers), "
              + "a local Flink\n"
              + "cluster with its dashboard, a producer streaming synthetic identities (or --images DIR) "
              + "into Kafka, and the\n"
              + "job. Prints progress every few seconds; stops cleanly after --seconds or on Ctrl-C.",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  SECONDS,
                  IMAGES_DIR,
                  ToolOptions.PAIRS,
                  ToolOptions.FOLDS,
                  F2cOptions.UNTIL_STEP,
                  ToolOptions.SAVE_DIR,
                  RATE,
                  SYNTHETIC_IDENTITIES,
                  SYNTHETIC_IMAGES,
                  SEED,
                  DASHBOARD_PORT,
                  F2cOptions.METRICS_PORT,
                  PROGRESS_INTERVAL_MS,
                  JSON),
              JobOptions.TRAINING),
          "demo");

  public static final Command PRODUCE =
      new Command(
          "produce",
          "--bootstrap-servers H:P --images DIR [--rate R]",
          "Streams a folder of face images (one sub-folder per identity) into the images topic as FaceImage records,\n"
              + "once. Without --images it sends synthetic identities.",
          List.of(
              BOOTSTRAP_SERVERS,
              F2cOptions.KAFKA_CONFIG,
              IMAGES_DIR,
              IMAGES_TOPIC,
              IMAGES_PARTITIONS,
              RATE,
              SYNTHETIC_IDENTITIES,
              SYNTHETIC_IMAGES,
              SEED,
              HELP));

  public static final Command JOB =
      new Command(
          "job",
          "--bootstrap-servers H:P [options]",
          "Runs the job against an external Kafka in a local Flink cluster with the dashboard (the same "
              + "main class runs\n"
              + "under 'flink run' on a cluster).",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  DASHBOARD_PORT,
                  F2cOptions.METRICS_PORT,
                  SEED),
              JobOptions.TRAINING));

  public static final Command EVAL =
      new Command(
          "eval",
          "(--model FILE | --bootstrap-servers H:P | --raw-pixels) (--pairs FILE --images DIR | --identify DIR)",
          "Evaluates a face model: LFW-protocol verification on a pairs file (n-fold cross-validated "
              + "accuracy, mean and\n"
              + "standard deviation, AUC, TAR at FAR 1e-3 and 1e-2 where the pairs allow; ROC curve as "
              + "PNG) and/or rank-1\n"
              + "identification on one folder per identity (first half of each identity's images is the gallery).\n"
              + "Images are preprocessed exactly as in training. The last line is JSON.",
          List.of(
              ToolOptions.MODEL_FILE,
              BOOTSTRAP_SERVERS,
              F2cOptions.KAFKA_CONFIG,
              MODELS_TOPIC,
              F2cOptions.MODEL_NAME,
              ToolOptions.RAW_PIXELS,
              ToolOptions.EVAL_FLIP,
              ToolOptions.PAIRS,
              IMAGES_DIR,
              ToolOptions.FOLDS,
              ToolOptions.IDENTIFY_DIR,
              ToolOptions.ROC_PLOT,
              ToolOptions.LABEL,
              INPUT_SIZE,
              CHANNELS,
              CROP_FRACTION,
              F2cOptions.RECIPE,
              F2cOptions.CONFIG_FILE,
              JSON,
              HELP));

  public static final Command EXPORT =
      new Command(
          "export",
          "--model FILE --onnx OUT",
          "Writes a model file (subscribe --save, demo --save) as a standard ONNX graph for ONNX Runtime "
              + "and other\n"
              + "frameworks: opset 13, input 'images' float [batch, C, S, S] normalised as the model's "
              + "metadata says,\n"
              + "output 'embeddings' [batch, D], L2-normalised, with the model's test-time flip in the "
              + "graph.",
          List.of(ToolOptions.MODEL_FILE, ToolOptions.ONNX_FILE, HELP));

  public static final Command STUDY_VERSIONS =
      new Command(
          "study versions",
          "--versions DIR --pairs FILE --images DIR [--folds F] [--offsets 0,1,5]",
          "How far apart a model's versions are: LFW-protocol verification with each pair's first image embedded\n"
              + "by version n (a gallery) and its second by version n+K (a probe), against n with itself, and the\n"
              + "mean cosine between an image's embeddings by the two versions. The last line is JSON.",
          List.of(
              ToolOptions.VERSIONS_DIR,
              ToolOptions.VERSION_OFFSETS,
              ToolOptions.PAIRS,
              IMAGES_DIR,
              ToolOptions.FOLDS,
              HELP));

  public static final Command STUDY_CONTINUAL =
      new Command(
          "study continual",
          "[--images DIR] [--phases P] [--phase-images N] [--study-dir DIR] [options]",
          "Continual learning measured: the whole job trains on a stream that brings disjoint identities in\n"
              + "phases (a folder split by identity, or synthetic faces); every published version is evaluated on\n"
              + "held-out photos of every phase. Prints the accuracy matrix, forgetting and freshness per phase and\n"
              + "the distance between consecutive versions; writes a PNG plot. The last line is JSON.",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  IMAGES_DIR,
                  ToolOptions.PHASES,
                  ToolOptions.PHASE_IMAGES,
                  ToolOptions.STUDY_DIR,
                  RATE,
                  SYNTHETIC_IDENTITIES,
                  SYNTHETIC_IMAGES,
                  SEED,
                  DASHBOARD_PORT,
                  F2cOptions.METRICS_PORT,
                  PROGRESS_INTERVAL_MS),
              JobOptions.TRAINING),
          "demo");

  public static final Command SUBSCRIBE =
      new Command(
          "subscribe",
          "--bootstrap-servers H:P [--save DIR]",
          "Follows the models topic (read_committed) from the latest complete version on: reassembles each version,\n"
              + "checks its SHA-256, loads it, and prints version, step, loss, size and lag; --save writes "
              + "each version\n"
              + "to DIR/<model>-v<version>.f2cm for f2c eval --model. Runs until Ctrl-C or --seconds.",
          List.of(
              BOOTSTRAP_SERVERS,
              F2cOptions.KAFKA_CONFIG,
              MODELS_TOPIC,
              F2cOptions.MODEL_NAME,
              ToolOptions.SAVE_DIR,
              SECONDS,
              HELP));

  public static final Command CLUSTER_UP =
      new Command(
          "cluster up",
          "[--cluster-dir DIR]",
          "Starts a cluster of separate processes on 127.0.0.1: a Kafka broker (port 39092, data kept in\n"
              + "DIR/kafka), a Flink JobManager (dashboard on port 38081) and two TaskManagers whose classpath is\n"
              + "what a real cluster's lib/ holds (Flink, DJL, libtorch); creates the topics. They run until\n"
              + "f2c cluster down.",
          List.of(
              ToolOptions.CLUSTER_DIR,
              IMAGES_TOPIC,
              IMAGES_PARTITIONS,
              F2cOptions.MAX_IMAGE_BYTES,
              MODELS_TOPIC,
              F2cOptions.DEAD_LETTER_TOPIC,
              HELP));

  public static final Command CLUSTER_DOWN =
      new Command(
          "cluster down",
          "[--cluster-dir DIR]",
          "Stops the processes of the local cluster (its data, checkpoints and savepoints stay).",
          List.of(ToolOptions.CLUSTER_DIR, HELP));

  public static final Command CLUSTER_SUBMIT =
      new Command(
          "cluster submit",
          "[--from-savepoint PATH] [job options]",
          "Submits the shaded job jar to the local cluster through Flink's REST API, as flink run does, with\n"
              + "the job's options (Kafka: the cluster's broker unless --bootstrap-servers).",
          JobOptions.with(
              List.of(
                  ToolOptions.CLUSTER_DIR,
                  ToolOptions.FROM_SAVEPOINT,
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  SEED),
              JobOptions.TRAINING));

  public static final Command SERVE =
      new Command(
          "serve",
          "(--bootstrap-servers H:P | --model FILE) [--port P]",
          "Serves face recognition over HTTP (JSON, images base64): embed, verify, identify and enroll\n"
              + "(POST /v1/...), GET /health, /v1/model and /openapi.json. Follows the models topic, swapping each\n"
              + "new version in after embedding the enrolled images again, or serves one model file. Prints the URL.",
          List.of(
              BOOTSTRAP_SERVERS,
              F2cOptions.KAFKA_CONFIG,
              MODELS_TOPIC,
              F2cOptions.MODEL_NAME,
              ToolOptions.MODEL_FILE,
              ToolOptions.HOST,
              ToolOptions.PORT,
              ToolOptions.THRESHOLD,
              ToolOptions.MAX_REQUEST_BYTES,
              F2cOptions.MAX_IMAGE_PIXELS,
              F2cOptions.MAX_IMAGE_BYTES,
              ToolOptions.MAX_IMAGES_PER_IDENTITY,
              ToolOptions.MAX_ENROLLED_IMAGES,
              ToolOptions.MAX_ENROLLED_BYTES,
              SECONDS,
              HELP));

  public static final List<Command> ALL =
      List.of(
          DEMO,
          PRODUCE,
          JOB,
          SUBSCRIBE,
          SERVE,
          EVAL,
          EXPORT,
          STUDY_VERSIONS,
          STUDY_CONTINUAL,
          BenchCommands.BENCH_HEAD,
          BenchCommands.BENCH_PIPELINE,
          BenchCommands.BENCH_IDENTITIES,
          BenchCommands.BENCH_SOAK,
          BenchCommands.BENCH_SCALE_OUT,
          BenchCommands.BENCH_SERVE,
          CLUSTER_UP,
          CLUSTER_DOWN,
          CLUSTER_SUBMIT);
}
