package io.f2c.cli;

import static io.f2c.config.F2cOptions.BATCH;
import static io.f2c.config.F2cOptions.BENCH_IDS;
import static io.f2c.config.F2cOptions.BENCH_POOL;
import static io.f2c.config.F2cOptions.BENCH_ROUNDS;
import static io.f2c.config.F2cOptions.BENCH_STEPS;
import static io.f2c.config.F2cOptions.BOOTSTRAP_SERVERS;
import static io.f2c.config.F2cOptions.CHANNELS;
import static io.f2c.config.F2cOptions.CHECKPOINT_DIR;
import static io.f2c.config.F2cOptions.CHECKPOINT_INTERVAL_MS;
import static io.f2c.config.F2cOptions.CROP_FRACTION;
import static io.f2c.config.F2cOptions.DASHBOARD_PORT;
import static io.f2c.config.F2cOptions.DEAD_LETTER_TOPIC;
import static io.f2c.config.F2cOptions.EMBEDDING_DIM;
import static io.f2c.config.F2cOptions.GROUP_ID;
import static io.f2c.config.F2cOptions.HELP;
import static io.f2c.config.F2cOptions.IMAGES_DIR;
import static io.f2c.config.F2cOptions.IMAGES_PARTITIONS;
import static io.f2c.config.F2cOptions.IMAGES_TOPIC;
import static io.f2c.config.F2cOptions.INPUT_SIZE;
import static io.f2c.config.F2cOptions.JSON;
import static io.f2c.config.F2cOptions.MAX_IMAGE_BYTES;
import static io.f2c.config.F2cOptions.MAX_IMAGE_PIXELS;
import static io.f2c.config.F2cOptions.MODELS_TOPIC;
import static io.f2c.config.F2cOptions.PARALLELISM;
import static io.f2c.config.F2cOptions.PLOT;
import static io.f2c.config.F2cOptions.PROGRESS_INTERVAL_MS;
import static io.f2c.config.F2cOptions.RATE;
import static io.f2c.config.F2cOptions.SECONDS;
import static io.f2c.config.F2cOptions.SEED;
import static io.f2c.config.F2cOptions.SYNTHETIC_IDENTITIES;
import static io.f2c.config.F2cOptions.SYNTHETIC_IMAGES;

import io.f2c.config.F2cConfig;
import io.f2c.config.F2cOptions;
import io.f2c.config.Option;
import java.util.ArrayList;
import java.util.List;

/** The launcher's subcommands and the options each accepts. */
public final class Commands {
  private Commands() {}

  private static final List<Option<?>> JOB_OPTIONS = List.of(IMAGES_TOPIC, DEAD_LETTER_TOPIC, MODELS_TOPIC,
      IMAGES_PARTITIONS, GROUP_ID, CHECKPOINT_DIR, CHECKPOINT_INTERVAL_MS, PARALLELISM, INPUT_SIZE, CHANNELS,
      CROP_FRACTION, MAX_IMAGE_PIXELS, MAX_IMAGE_BYTES, F2cOptions.BACKBONE, EMBEDDING_DIM, F2cOptions.POOL_SIZE,
      F2cOptions.HEAD, F2cOptions.FC_CLASSES, F2cOptions.IDENTITY_BATCH, F2cOptions.INSTANCE_BATCH, F2cOptions.SHUFFLE_BUFFER, F2cOptions.RESERVOIR,
      F2cOptions.REPLAY_INTERVAL_MS, F2cOptions.LEARNING_RATE, F2cOptions.LR_DECAY_STEPS, F2cOptions.MARGIN_SCALE,
      F2cOptions.MARGIN, F2cOptions.PUBLISH_EVERY_STEPS, F2cOptions.MODEL_NAME,
      F2cOptions.TORCH_THREADS, F2cOptions.FAIL_AT_STEP);

  public static final Command DEMO = new Command("demo", "[--seconds N] [--images DIR] [options]",
      "Runs the whole system on this machine: an embedded Kafka broker (unless --bootstrap-servers), a local Flink\n"
          + "cluster with its dashboard, a producer streaming synthetic identities (or --images DIR) into Kafka, and the\n"
          + "job. Prints progress every few seconds; stops cleanly after --seconds or on Ctrl-C.",
      concat(List.of(BOOTSTRAP_SERVERS, SECONDS, IMAGES_DIR, F2cOptions.PAIRS, F2cOptions.FOLDS, F2cOptions.UNTIL_STEP,
          F2cOptions.SAVE_DIR, RATE, SYNTHETIC_IDENTITIES, SYNTHETIC_IMAGES, SEED, DASHBOARD_PORT, PROGRESS_INTERVAL_MS,
          JSON), JOB_OPTIONS));

  public static final Command PRODUCE = new Command("produce", "--bootstrap-servers H:P --images DIR [--rate R]",
      "Streams a folder of face images (one sub-folder per identity) into the images topic as FaceImage records,\n"
          + "once. Without --images it sends synthetic identities.",
      List.of(BOOTSTRAP_SERVERS, IMAGES_DIR, IMAGES_TOPIC, IMAGES_PARTITIONS, RATE, SYNTHETIC_IDENTITIES,
          SYNTHETIC_IMAGES, SEED, HELP));

  public static final Command JOB = new Command("job", "--bootstrap-servers H:P [options]",
      "Runs the job against an external Kafka in a local Flink cluster with the dashboard (the same main class runs\n"
          + "under 'flink run' on a cluster).",
      concat(List.of(BOOTSTRAP_SERVERS, DASHBOARD_PORT, SEED), JOB_OPTIONS));

  public static final Command BENCH_HEAD = new Command("bench head", "[--ids N[,N...]] [--pool Q[,Q%...]] [--json]",
      "Measures the classification head alone (random unit embeddings, no backbone): time per step and memory of\n"
          + "F2C's Dynamic Class Pool against the full FC layer for each N; prints a table, writes a PNG plot, and\n"
          + "ends with one JSON line per point. An FC head that does not fit in memory is reported, not run.",
      List.of(BENCH_IDS, BENCH_POOL, EMBEDDING_DIM, BATCH, BENCH_STEPS, JSON, PLOT, HELP));

  public static final Command BENCH_PIPELINE = new Command("bench pipeline", "[--steps S] [options] [--json]",
      "Measures the whole job: training images/s of the job fed from Kafka against a bare loop over the same\n"
          + "trainer and batches, ingest-only throughput (Kafka -> decoded batches), and checkpoint duration and\n"
          + "incremental size at pool sizes 1k, 10k and 100k. Embedded broker unless --bootstrap-servers.",
      concat(List.of(BOOTSTRAP_SERVERS, BENCH_STEPS, BENCH_ROUNDS, JSON, SEED), JOB_OPTIONS));

  public static final Command EVAL = new Command("eval",
      "(--model FILE | --bootstrap-servers H:P | --raw-pixels) (--pairs FILE --images DIR | --identify DIR)",
      "Evaluates a face model: LFW-protocol verification on a pairs file (n-fold cross-validated accuracy, mean and\n"
          + "standard deviation, AUC, TAR at FAR 1e-3 and 1e-2 where the pairs allow; ROC curve as PNG) and/or rank-1\n"
          + "identification on one folder per identity (first half of each identity's images is the gallery).\n"
          + "Images are preprocessed exactly as in training. The last line is JSON.",
      List.of(F2cOptions.MODEL_FILE, BOOTSTRAP_SERVERS, MODELS_TOPIC, F2cOptions.MODEL_NAME, F2cOptions.RAW_PIXELS,
          F2cOptions.PAIRS, IMAGES_DIR, F2cOptions.FOLDS,
          F2cOptions.IDENTIFY_DIR, F2cOptions.ROC_PLOT, F2cOptions.LABEL, INPUT_SIZE, CHANNELS, CROP_FRACTION, JSON,
          HELP));

  public static final Command SUBSCRIBE = new Command("subscribe", "--bootstrap-servers H:P [--save DIR]",
      "Follows the models topic (read_committed) from the latest complete version on: reassembles each version,\n"
          + "checks its SHA-256, loads it, and prints version, step, loss, size and lag; --save writes each version\n"
          + "to DIR/<model>-v<version>.f2cm for f2c eval --model. Runs until Ctrl-C or --seconds.",
      List.of(BOOTSTRAP_SERVERS, MODELS_TOPIC, F2cOptions.MODEL_NAME, F2cOptions.SAVE_DIR, SECONDS, HELP));

  public static final List<Command> ALL = List.of(DEMO, PRODUCE, JOB, SUBSCRIBE, EVAL, BENCH_HEAD,
      BENCH_PIPELINE);

  private static List<Option<?>> concat(List<Option<?>> first, List<Option<?>> second) {
    List<Option<?>> all = new ArrayList<>(first);
    all.addAll(second);
    if (!all.contains(HELP)) {
      all.add(HELP);
    }
    return List.copyOf(all);
  }

  public static void requireBootstrapServers(F2cConfig config) {
    if (config.get(BOOTSTRAP_SERVERS).isEmpty()) {
      throw new F2cConfig.UsageException("--bootstrap-servers is required: --bootstrap-servers HOST:PORT");
    }
  }
}
