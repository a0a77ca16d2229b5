package io.f2c.job.config;

import static io.f2c.job.config.OptionParsers.decimal;
import static io.f2c.job.config.OptionParsers.enumOption;
import static io.f2c.job.config.OptionParsers.path;
import static io.f2c.job.config.OptionParsers.port;
import static io.f2c.job.config.OptionParsers.positiveInt;
import static io.f2c.job.config.OptionParsers.positiveLong;
import static io.f2c.job.config.OptionParsers.string;

import io.f2c.job.kafka.StartFrom;
import io.f2c.model.backbone.Backbone;
import io.f2c.training.F2cLoss;
import io.f2c.training.TrainerConfig;
import io.f2c.training.TrainingDevice;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The single home of configuration: every option with its type, default and meaning. Commands pick
 * the options they accept; flags override defaults. The README's configuration table lists the same
 * options (a test keeps them in step).
 */
public final class F2cOptions {
  private F2cOptions() {}

  /** The trainer's defaults live beside the trainer; the options below take them from there. */
  private static final TrainerConfig TRAINER = TrainerConfig.DEFAULTS;

  // --- Kafka ---
  public static final Option<String> BOOTSTRAP_SERVERS =
      string(
          "bootstrap-servers",
          "",
          "H:P",
          "Kafka bootstrap servers; empty in the demo means: start an embedded broker on 127.0.0.1.");
  public static final Option<Path> KAFKA_CONFIG =
      new Option<>(
          "kafka-config",
          Path.of(""),
          "FILE",
          "Kafka client properties (Kafka's own format: security.protocol, sasl.*, ssl.*) for every client:"
              + " the job's source and sinks, producer, subscriber, admin. Secrets are never printed.",
          text -> Path.of(text.trim()));
  public static final Option<String> IMAGES_TOPIC =
      string(
          "images-topic",
          "face-images",
          "NAME",
          "Topic of incoming FaceImage records (key: identity id).");
  public static final Option<String> DEAD_LETTER_TOPIC =
      string(
          "dead-letter-topic",
          "face-images-dlq",
          "NAME",
          "Topic for RejectedRecord: input the job could not use, with the reason.");
  public static final Option<String> MODELS_TOPIC =
      string(
          "models-topic",
          "face-models",
          "NAME",
          "Topic of published ModelUpdate chunks (key: model name).");
  public static final Option<Integer> IMAGES_PARTITIONS =
      positiveInt(
          "images-partitions", 2, "N", "Partitions of the images topic when it is created by f2c.");
  public static final Option<String> GROUP_ID =
      string(
          "group-id",
          "f2c-trainer",
          "ID",
          "Kafka consumer group of the job's source (offsets are also kept in Flink checkpoints).");

  public static final Option<StartFrom> START_FROM =
      enumOption(
          "start-from",
          StartFrom.COMMITTED,
          "Where a job without saved state starts reading the images topic: committed (the group's offsets,"
              + " else the earliest), earliest (all the topic holds: retrain after lost state) or latest.",
          StartFrom.class);

  // --- Flink runtime ---
  public static final Option<Integer> DASHBOARD_PORT =
      port(
          "dashboard-port",
          8081,
          "Port of the local Flink web dashboard and REST API (bound to 127.0.0.1).");
  public static final Option<Integer> METRICS_PORT =
      port(
          "metrics-port",
          0,
          "Port of Flink's Prometheus reporter (/metrics on 127.0.0.1 locally); 0 turns it off.");
  public static final Option<Path> CHECKPOINT_DIR =
      path(
          "checkpoint-dir",
          Path.of("f2c-work", "checkpoints"),
          "Directory for RocksDB incremental checkpoints.");
  public static final Option<Long> CHECKPOINT_INTERVAL_MS =
      positiveLong("checkpoint-interval-ms", 10_000L, "MS", "Checkpoint interval in milliseconds.");
  public static final Option<Integer> PARALLELISM =
      positiveInt(
          "parallelism",
          1,
          "N",
          "Parallelism of the source, decoding and the loaders (the trainers: --trainers).");
  public static final Option<Integer> TRAINERS =
      positiveInt(
          "trainers",
          1,
          "K",
          "Trainer subtasks, one per slot and device: identities are split among them by key, and"
              + " their networks are averaged in rounds into one model (needs --head dcp).");
  public static final Option<Integer> AVERAGE_EVERY_STEPS =
      positiveInt(
          "average-every-steps",
          10,
          "S",
          "With several trainers: a trainer asks for an averaging round after S steps of its own;"
              + " every checkpoint starts one too.");

  // --- Images and preprocessing (shared by training, subscribers and evaluation) ---
  public static final Option<Integer> INPUT_SIZE =
      positiveInt(
          "input-size",
          TRAINER.input().size(),
          "PX",
          "Side of the square network input in pixels.");
  public static final Option<Integer> CHANNELS =
      new Option<>(
          "channels",
          TRAINER.input().channels(),
          "1|3",
          "Input channels: 3 (RGB) or 1 (grey).",
          OptionParsers::parseChannels);
  public static final Option<Double> CROP_FRACTION =
      new Option<>(
          "crop-fraction",
          decimal(TRAINER.input().cropFraction()),
          "F",
          "Central square crop as a fraction of the shorter side, before resizing (e.g. 0.75 for LFW's 150 px images).",
          OptionParsers::parseFraction);
  public static final Option<Long> MAX_IMAGE_PIXELS =
      positiveLong(
          "max-image-pixels",
          4096L * 4096L,
          "N",
          "Refuse images whose header declares more pixels than this, before decoding them.");
  public static final Option<Integer> MAX_IMAGE_BYTES =
      positiveInt(
          "max-image-bytes", 8 * 1024 * 1024, "BYTES", "Refuse encoded images larger than this.");

  // --- Producer and demo ---
  public static final Option<Double> RATE =
      new Option<>(
          "rate",
          100.0,
          "R",
          "Images per second the producer sends (0: as fast as possible; the demo's producer shares the CPU with "
              + "training).",
          OptionParsers::parseNonNegativeDouble);
  public static final Option<Long> SEED =
      new Option<>("seed", TRAINER.seed(), "N", "Seed of the synthetic data.", Long::parseLong);
  // --- Training ---
  public static final Option<Backbone> BACKBONE =
      new Option<>(
          "backbone",
          TRAINER.backbone(),
          Backbone.choices().replace(", ", "|"),
          "Backbone: small-cnn (fast on CPU), medium-cnn (more capacity, about 1.5 times the step time) "
              + "or mobilefacenet (input size divisible by 16).",
          Backbone::of);
  public static final Option<TrainerConfig.Head> HEAD =
      enumOption(
          "head",
          TRAINER.head(),
          "Classification head: dcp (F2C's Dynamic Class Pool) or fc (the full classifier baseline, one "
              + "row per identity).",
          TrainerConfig.Head.class);
  public static final Option<Integer> FC_CLASSES =
      positiveInt(
          "fc-classes",
          TRAINER.fcClasses(),
          "N",
          "Rows of the FC head (--head fc): at least the number of identities it will see.");
  public static final Option<Integer> POOL_SIZE =
      positiveInt(
          "pool-size",
          TRAINER.poolSize(),
          "Q",
          "Rows of the Dynamic Class Pool (the paper uses 1% of the identities or less).");
  public static final Option<Integer> IDENTITY_BATCH =
      positiveInt("identity-batch", 16, "A", "Identities per identity batch (two images each).");
  public static final Option<Integer> INSTANCE_BATCH =
      positiveInt(
          "instance-batch",
          32,
          "I",
          "Images per instance batch (even; split into the x and y halves).");
  public static final Option<Integer> SHUFFLE_BUFFER =
      positiveInt(
          "shuffle-buffer", 128, "N", "Faces held by the instance loader's shuffle buffer.");
  public static final Option<Integer> RESERVOIR =
      positiveInt(
          "reservoir",
          4,
          "K",
          "Images kept per identity by the identity loader (reservoir sampling; at least 2).");
  public static final Option<Long> REPLAY_INTERVAL_MS =
      positiveLong(
          "replay-interval-ms",
          60_000L,
          "MS",
          "How often each known identity is replayed to the trainer (continual learning); longer"
              + " where more identities are known than the trainer can replay in that time.");
  public static final Option<Double> REPLAY_SHARE =
      new Option<>(
          "replay-share",
          0.5,
          "F",
          "Share of each identity batch given to replayed identities, the rest to new arrivals "
              + "(either kind fills in where the other is short).",
          OptionParsers::parseShare);
  public static final Option<Double> LEARNING_RATE =
      new Option<>(
          "lr",
          decimal(TRAINER.schedule().base()),
          "LR",
          "Base learning rate of SGD (after the warm-up; constant unless --lr-decay-steps or --lr-milestones).",
          OptionParsers::parsePositiveDouble);
  public static final Option<Integer> WARMUP_STEPS =
      positiveInt(
          "warmup-steps",
          TRAINER.schedule().warmupSteps(),
          "S",
          "Steps of linear learning-rate warm-up from a tenth of --lr.");
  public static final Option<Long> LR_DECAY_STEPS =
      new Option<>(
          "lr-decay-steps",
          0L,
          "S",
          "Cosine decay of the learning rate to --lr-final-fraction over S steps after the warm-up, then constant "
              + "(0: constant).",
          OptionParsers::parseNonNegativeLong);
  public static final Option<String> LR_MILESTONES =
      new Option<>(
          "lr-milestones",
          "none",
          "S1,S2,..",
          "Step decay instead: the learning rate times 0.1 at each of these steps, as the paper "
              + "schedules it (none: no step decay; not together with --lr-decay-steps).",
          OptionParsers::parseMilestones);
  public static final Option<Double> LR_FINAL_FRACTION =
      new Option<>(
          "lr-final-fraction",
          0.02,
          "F",
          "Where the cosine decay ends, as a fraction of --lr.",
          OptionParsers::parseFraction);
  public static final Option<Double> SGD_MOMENTUM =
      new Option<>(
          "momentum",
          decimal(TRAINER.sgdMomentum()),
          "M",
          "SGD momentum (Nesterov).",
          OptionParsers::parseMomentum);
  public static final Option<Double> WEIGHT_DECAY =
      new Option<>(
          "weight-decay",
          decimal(TRAINER.weightDecay()),
          "W",
          "L2 weight decay of SGD.",
          OptionParsers::parseNonNegativeDouble);
  public static final Option<Double> EMA_MOMENTUM =
      new Option<>(
          "ema-momentum",
          decimal(TRAINER.emaMomentum()),
          "M",
          "Momentum of the gallery network's moving average of the probe network.",
          OptionParsers::parseMomentum);
  public static final Option<F2cLoss.Margin> MARGIN_TYPE =
      enumOption(
          "margin-type",
          TRAINER.margin(),
          "Margin of the logits: cosface (s * (cos - m)) or arcface (s * cos(theta + m)) for the target.",
          F2cLoss.Margin.class);
  public static final Option<Double> MARGIN_SCALE =
      new Option<>(
          "scale",
          decimal(TRAINER.scale()),
          "S",
          "Scale s of the logits.",
          OptionParsers::parsePositiveDouble);
  public static final Option<Double> MARGIN =
      new Option<>(
          "margin",
          decimal(TRAINER.marginValue()),
          "M",
          "Margin m of the target logit (see --margin-type).",
          OptionParsers::parseNonNegativeDouble);
  public static final Option<Long> PUBLISH_EVERY_STEPS =
      positiveLong(
          "publish-every-steps", 20L, "S", "Publish a new model version every S training steps.");
  public static final Option<String> MODEL_NAME =
      string(
          "model-name",
          "f2c",
          "NAME",
          "Name of the published model (the key of its ModelUpdate records).");
  public static final Option<Integer> TORCH_THREADS =
      positiveInt(
          "torch-threads",
          TRAINER.torchThreads(),
          "N",
          "PyTorch intra-op threads of the trainer (explicit: the default oversubscribes a Flink task).");
  public static final Option<TrainingDevice> DEVICE =
      new Option<>(
          "device",
          TRAINER.device(),
          "cpu|gpu|auto",
          "Where the trainer runs: cpu, gpu (fails at start without one) or auto (a GPU when DJL finds one).",
          TrainingDevice::of);
  public static final Option<Boolean> FLIP =
      new Option<>(
          "flip",
          TRAINER.horizontalFlip(),
          "true|false",
          "Mirror each training image with probability 1/2, as the F2C authors do (false: no augmentation).",
          OptionParsers::parseBoolean);
  public static final Option<Integer> SHIFT =
      new Option<>(
          "shift",
          TRAINER.shiftPixels(),
          "N",
          "Move each training image by up to N pixels each way (translation jitter, 0: none).",
          text -> Math.toIntExact(OptionParsers.parseNonNegativeLong(text)));
  public static final Option<Boolean> TEST_TIME_FLIP =
      new Option<>(
          "test-time-flip",
          TRAINER.testTimeFlip(),
          "true|false",
          "Published models tell subscribers and f2c eval to embed an image with its mirror "
              + "(the normalised sum of both embeddings).",
          OptionParsers::parseBoolean);
  public static final Option<Integer> EMBEDDING_DIM =
      positiveInt(
          "embedding-dim", TRAINER.embeddingDim(), "D", "Dimension of the face embeddings.");

  public static final Option<Long> UNTIL_STEP =
      new Option<>(
          "until-step",
          0L,
          "S",
          "demo: stop once a model version of training step S or later has arrived (0: no step limit).",
          OptionParsers::parseNonNegativeLong);

  public static final Option<String> RECIPE =
      new Option<>(
          "recipe",
          "",
          "NAME",
          "Named settings, conf/recipes/NAME.properties (demo, lfw, continual-lfw); flags given with it override them.",
          OptionParsers::parseNonBlank);
  public static final Option<Path> CONFIG_FILE =
      new Option<>(
          "config",
          null,
          "FILE",
          "Settings from a properties file (option = value, names as the flags without --), over "
              + "the recipe; flags override them.",
          text -> Path.of(OptionParsers.parseNonBlank(text)));

  public static final Option<Boolean> HELP =
      new Option<>("help", false, "", "Show the usage of the command.", Boolean::parseBoolean);

  /** The job's options, in the order they are declared here. */
  public static List<Option<?>> all() {
    return declaredIn(F2cOptions.class, ModelVersionOptions.class);
  }

  /** The options a holder class declares as public static fields, in declaration order. */
  public static List<Option<?>> declaredIn(Class<?>... holders) {
    List<Option<?>> all = new ArrayList<>();
    for (Class<?> holder : holders) {
      for (Field field : holder.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && Modifier.isPublic(field.getModifiers())
            && field.getType() == Option.class) {
          try {
            all.add((Option<?>) field.get(null));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return List.copyOf(all);
  }
}
