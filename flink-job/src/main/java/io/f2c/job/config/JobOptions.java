package io.f2c.job.config;

import static io.f2c.job.config.F2cOptions.BOOTSTRAP_SERVERS;
import static io.f2c.job.config.F2cOptions.SEED;

import java.util.ArrayList;
import java.util.List;

/** Which options the streaming job accepts; the launcher's commands add their own to these. */
public final class JobOptions {
  private JobOptions() {}

  /** Topics, checkpoints, preprocessing, batching and training: what shapes the job itself. */
  public static final List<Option<?>> TRAINING =
      List.of(
          F2cOptions.IMAGES_TOPIC,
          F2cOptions.DEAD_LETTER_TOPIC,
          F2cOptions.MODELS_TOPIC,
          ModelVersionOptions.ONNX_TOPIC,
          ModelVersionOptions.PUBLISH_ONNX,
          F2cOptions.IMAGES_PARTITIONS,
          F2cOptions.GROUP_ID,
          F2cOptions.START_FROM,
          F2cOptions.CHECKPOINT_DIR,
          F2cOptions.CHECKPOINT_INTERVAL_MS,
          F2cOptions.PARALLELISM,
          F2cOptions.TRAINERS,
          F2cOptions.AVERAGE_EVERY_STEPS,
          F2cOptions.INPUT_SIZE,
          F2cOptions.CHANNELS,
          F2cOptions.CROP_FRACTION,
          F2cOptions.MAX_IMAGE_PIXELS,
          F2cOptions.MAX_IMAGE_BYTES,
          F2cOptions.BACKBONE,
          F2cOptions.EMBEDDING_DIM,
          F2cOptions.POOL_SIZE,
          F2cOptions.HEAD,
          F2cOptions.FC_CLASSES,
          F2cOptions.IDENTITY_BATCH,
          F2cOptions.INSTANCE_BATCH,
          F2cOptions.SHUFFLE_BUFFER,
          F2cOptions.RESERVOIR,
          F2cOptions.REPLAY_INTERVAL_MS,
          F2cOptions.REPLAY_SHARE,
          ModelVersionOptions.HELD_OUT_SHARE,
          ModelVersionOptions.INIT_MODEL,
          ModelVersionOptions.HELD_OUT_FACES,
          ModelVersionOptions.WATCH_SHARE,
          ModelVersionOptions.WATCH_COHORT,
          F2cOptions.LEARNING_RATE,
          F2cOptions.WARMUP_STEPS,
          F2cOptions.LR_DECAY_STEPS,
          F2cOptions.LR_MILESTONES,
          F2cOptions.LR_FINAL_FRACTION,
          F2cOptions.SGD_MOMENTUM,
          F2cOptions.WEIGHT_DECAY,
          F2cOptions.EMA_MOMENTUM,
          F2cOptions.MARGIN_TYPE,
          F2cOptions.MARGIN_SCALE,
          F2cOptions.MARGIN,
          F2cOptions.PUBLISH_EVERY_STEPS,
          F2cOptions.MODEL_NAME,
          F2cOptions.TORCH_THREADS,
          F2cOptions.FLIP,
          F2cOptions.SHIFT,
          F2cOptions.TEST_TIME_FLIP,
          F2cOptions.DEVICE);

  /** What {@code flink run ... F2cJob} accepts: Kafka, the seed and the training options. */
  public static final List<Option<?>> CLUSTER_JOB =
      with(List.of(BOOTSTRAP_SERVERS, F2cOptions.KAFKA_CONFIG, SEED), TRAINING);

  /** {@code first} then {@code second}, then --recipe, --config and --help. */
  public static List<Option<?>> with(List<Option<?>> first, List<Option<?>> second) {
    List<Option<?>> all = new ArrayList<>(first);
    all.addAll(second);
    for (Option<?> option : List.of(F2cOptions.RECIPE, F2cOptions.CONFIG_FILE, F2cOptions.HELP)) {
      if (!all.contains(option)) {
        all.add(option);
      }
    }
    return List.copyOf(all);
  }

  /**
   * The job's options from {@code flink run} arguments.
   *
   * @throws F2cConfig.UsageException saying in one line what was wrong
   */
  public static F2cConfig parseClusterJob(String... args) {
    F2cConfig config = Recipes.underFlags(F2cConfig.parse(CLUSTER_JOB, args), CLUSTER_JOB, "");
    requireBootstrapServers(config);
    TrainerSettings.from(config); // refuses invalid trainer settings before the job is submitted
    return config;
  }

  public static void requireBootstrapServers(F2cConfig config) {
    if (config.get(BOOTSTRAP_SERVERS).isEmpty()) {
      throw new F2cConfig.UsageException(
          "--bootstrap-servers is required: --bootstrap-servers HOST:PORT");
    }
  }
}
