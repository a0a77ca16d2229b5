package io.f2c.cli.config;

import static io.f2c.job.config.OptionParsers.path;
import static io.f2c.job.config.OptionParsers.port;
import static io.f2c.job.config.OptionParsers.positiveInt;
import static io.f2c.job.config.OptionParsers.positiveLong;
import static io.f2c.job.config.OptionParsers.string;

import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.Option;
import io.f2c.job.config.OptionParsers;
import io.f2c.recognition.RecognizerSettings;
import io.f2c.serving.ServerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the tools around the job (subscribing, evaluation, benchmarks, the local cluster); the
 * job's own options are in {@link F2cOptions}.
 */
public final class ToolOptions {
  private ToolOptions() {}

  // --- Producer, demo and benchmarks ---
  public static final Option<Integer> BATCH =
      positiveInt(
          "batch",
          128,
          "B",
          "Images per training step: halves x and y of B/2 each (identity-batch pairs + instance images).");
  public static final Option<Long> PROGRESS_INTERVAL_MS =
      positiveLong(
          "progress-interval-ms", 5_000L, "MS", "How often the demo prints a progress line.");
  public static final Option<Integer> SYNTHETIC_IDENTITIES =
      positiveInt(
          "synthetic-identities",
          500,
          "N",
          "Number of synthetic identities the demo producer generates.");
  public static final Option<Integer> SYNTHETIC_IMAGES =
      positiveInt("synthetic-images", 8, "M", "Images per synthetic identity.");
  public static final Option<Long> SECONDS =
      new Option<>(
          "seconds",
          0L,
          "N",
          "Run for N seconds, then shut down cleanly; 0 runs until Ctrl-C.",
          OptionParsers::parseNonNegativeLong);
  public static final Option<Path> IMAGES_DIR =
      path(
          "images",
          null,
          "Folder of images, one sub-folder per identity (jpg, png, pgm). Without it: synthetic identities.");

  // --- Subscribing and evaluation ---
  public static final Option<Path> SAVE_DIR =
      path(
          "save",
          null,
          "Write every complete model version to DIR/<model>-v<version>.f2cm (read by eval --model).");
  public static final Option<String> MODEL_FILE =
      string(
          "model",
          "",
          "FILE[,FILE...]",
          "eval: model file(s) to evaluate (written by subscribe --save or demo --save); several give one ROC plot."
              + " serve: the one model file to serve (instead of following the models topic).");
  public static final Option<Path> ONNX_FILE =
      new Option<>(
          "onnx",
          null,
          "FILE",
          "export: where to write the model as ONNX (opset 13, input 'images' [batch, C, S, S], output "
              + "'embeddings').",
          text -> Path.of(text.trim()));
  public static final Option<Integer> BENCH_CLIENTS =
      positiveInt("clients", 4, "N", "bench serve: concurrent HTTP clients (after one alone).");
  public static final Option<Path> VERSIONS_DIR =
      path(
          "versions",
          null,
          "study versions: folder of saved model versions (<model>-v<version>.f2cm, as --save writes them).");
  public static final Option<String> VERSION_OFFSETS =
      new Option<>(
          "offsets",
          "0,1,5",
          "K[,K...]",
          "study versions: compare each version n with version n+K (0: itself).",
          text -> {
            if (!text.trim().matches("\\d+(\\s*,\\s*\\d+)*")) {
              throw new IllegalArgumentException("expected offsets like 0,1,5");
            }
            return text.trim();
          });
  public static final Option<Integer> PHASES =
      positiveInt(
          "phases",
          4,
          "P",
          "study continual: phases of disjoint identities the stream brings in turn.");
  public static final Option<Long> PHASE_IMAGES =
      positiveLong(
          "phase-images",
          3_000L,
          "N",
          "study continual: images sent per phase (looping over its training images), at --rate.");
  public static final Option<Path> STUDY_DIR =
      path(
          "study-dir",
          Path.of("f2c-work", "study-continual"),
          "study continual: where the versions, the JSON summary and the PNG plot go.");
  public static final Option<Path> PAIRS =
      new Option<>(
          "pairs",
          null,
          "FILE",
          "LFW-format pairs file (header 'folds pairs-per-fold'); demo: its --folds' identities are held "
              + "out of training.",
          text -> Path.of(text.trim()));
  public static final Option<String> FOLDS =
      new Option<>(
          "folds",
          "all",
          "all|F[,F...]",
          "Which folds of --pairs to use (1-based).",
          OptionParsers::parseFolds);
  public static final Option<Path> IDENTIFY_DIR =
      path(
          "identify",
          null,
          "eval: rank-1 identification on DIR/<identity>/<images> (first half of each identity's images as gallery).");
  public static final Option<Boolean> RAW_PIXELS =
      new Option<>(
          "raw-pixels",
          false,
          "",
          "eval: the no-training baseline: the preprocessed pixels themselves are the embedding.",
          Boolean::parseBoolean);
  public static final Option<EvalFlip> EVAL_FLIP =
      new Option<>(
          "eval-flip",
          EvalFlip.MODEL,
          "model|on|off|both",
          "eval: embed with the mirror (test-time flip) as each model says, always, never, or both "
              + "ways (two results per model).",
          EvalFlip::of);

  // --- The face service ---
  public static final Option<String> HOST =
      string(
          "host",
          "127.0.0.1",
          "ADDRESS",
          "serve: address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface).");
  public static final Option<Integer> PORT =
      port("port", 8080, "serve: HTTP port (0 picks a free one; the bound URL is printed).");
  public static final Option<Double> THRESHOLD =
      new Option<>(
          "threshold",
          RecognizerSettings.DEFAULTS.fallbackThreshold(),
          "COSINE",
          "serve: cosine similarity at or above which two faces are the same person, for a model file and "
              + "for versions published without a threshold (answers say which applied).",
          ToolOptions::parseCosine);
  public static final Option<Long> MAX_REQUEST_BYTES =
      positiveLong(
          "max-request-bytes",
          ServerSettings.DEFAULT_MAX_REQUEST_BYTES,
          "BYTES",
          "serve: refuse larger request bodies (413); images travel base64 in JSON, 4/3 of their size.");
  public static final Option<Integer> MAX_IMAGES_PER_IDENTITY =
      positiveInt(
          "max-images-per-identity",
          RecognizerSettings.DEFAULTS.maxImagesPerIdentity(),
          "N",
          "serve: enrolled images kept per identity (each new model version embeds them again).");
  public static final Option<Integer> MAX_ENROLLED_IMAGES =
      positiveInt(
          "max-enrolled-images",
          RecognizerSettings.DEFAULTS.maxEnrolledImages(),
          "N",
          "serve: enrolled images kept in all.");
  public static final Option<Long> MAX_ENROLLED_BYTES =
      positiveLong(
          "max-enrolled-bytes",
          RecognizerSettings.DEFAULTS.maxEnrolledBytes(),
          "BYTES",
          "serve: encoded bytes of the enrolled images kept in all.");

  /** A cosine similarity: a number in [-1, 1]. */
  static Double parseCosine(String text) {
    double value = Double.parseDouble(text.trim());
    if (!(value >= -1 && value <= 1)) {
      throw new IllegalArgumentException("a cosine similarity lies in [-1, 1]");
    }
    return value;
  }

  /** Every option of the launcher: the job's, then these. */
  public static List<Option<?>> all() {
    List<Option<?>> all = new ArrayList<>(F2cOptions.all());
    all.addAll(F2cOptions.declaredIn(ToolOptions.class));
    return List.copyOf(all);
  }

  /** Which test-time flip settings {@code f2c eval} measures a model with. */
  public enum EvalFlip {
    MODEL,
    ON,
    OFF,
    BOTH;

    public static EvalFlip of(String text) {
      for (EvalFlip value : values()) {
        if (value.name().equalsIgnoreCase(text.trim())) {
          return value;
        }
      }
      throw new IllegalArgumentException("expected model, on, off or both, was '" + text + "'");
    }
  }

  public static final Option<Path> ROC_PLOT =
      new Option<>(
          "roc",
          Path.of("f2c-work", "roc.png"),
          "FILE",
          "eval: where to write the ROC curve (PNG).",
          text -> Path.of(text.trim()));
  public static final Option<String> LABEL =
      string(
          "label",
          "",
          "TEXT[,TEXT...]",
          "eval: names of the models (in --model order, then the raw-pixel baseline) in the table, JSON and plot.");

  // --- Benchmarks ---
  public static final Option<String> BENCH_IDS =
      new Option<>(
          "ids",
          "10000,100000,1000000,10000000",
          "N[,N...]",
          "bench head: numbers of identities N to measure.",
          OptionParsers::parseCountList);
  public static final Option<String> BENCH_POOL =
      new Option<>(
          "pool",
          "10000,1%",
          "Q[,Q%...]",
          "bench head: pool sizes Q, as a count or a percentage of N.",
          OptionParsers::parseCountList);
  public static final Option<Double> BENCH_PARTIAL_FC_RATE =
      new Option<>(
          "partial-fc-rate",
          0.1,
          "RATE",
          "bench head: share of the N class centres a Partial FC step samples (every label's, then random "
              + "negatives), in (0, 1].",
          OptionParsers::parseFraction);
  public static final Option<String> BENCH_IDENTITIES =
      new Option<>(
          "identities",
          "10000,100000,1000000",
          "N[,N...]",
          "bench identities: numbers of identities N streamed through the job, one fresh job each.",
          OptionParsers::parseCountList);
  public static final Option<Integer> BENCH_IMAGES_EACH =
      positiveInt(
          "images-each",
          2,
          "K",
          "bench identities: images of each identity before the timed steps.");
  public static final Option<Integer> BENCH_TIMED_STEPS =
      positiveInt(
          "timed-steps",
          1000,
          "S",
          "bench identities: trainer steps timed at each N once all its identities are in.");
  public static final Option<Integer> SCALE_OUT_ROUNDS =
      positiveInt(
          "rounds",
          2,
          "R",
          "bench scale-out: rounds of runs, each K = 1, K = 2 (one PyTorch thread per trainer) and"
              + " K = 1 with two threads, in that order.");
  public static final Option<Integer> SCALE_OUT_WARM_UP_SECONDS =
      positiveInt(
          "warm-up-seconds",
          20,
          "S",
          "bench scale-out: seconds each run trains before it is timed.");
  public static final Option<Integer> SCALE_OUT_SECONDS =
      positiveInt("timed-seconds", 60, "S", "bench scale-out: seconds each run is timed for.");
  public static final Option<Path> BENCH_DIR =
      path(
          "bench-dir",
          Path.of("f2c-work", "bench"),
          "bench identities, soak, scale-out: where checkpoints, the CSV, the PNG plot and the JSON summary go.");
  public static final Option<Double> SOAK_MINUTES =
      new Option<>(
          "minutes",
          120.0,
          "M",
          "bench soak: how long to train; the job restores its last checkpoint halfway.",
          OptionParsers::parsePositiveDouble);
  public static final Option<Double> BURST_AT_MINUTES =
      new Option<>(
          "burst-at-minutes",
          0.0,
          "M",
          "bench soak: when a burst starts (0: no burst); the producer then sends at --burst-factor times --rate.",
          OptionParsers::parseNonNegativeDouble);
  public static final Option<Double> BURST_MINUTES =
      new Option<>(
          "burst-minutes",
          1.0,
          "M",
          "bench soak: how long the burst lasts.",
          OptionParsers::parsePositiveDouble);
  public static final Option<Double> BURST_FACTOR =
      new Option<>(
          "burst-factor",
          10.0,
          "X",
          "bench soak: the burst's rate as a multiple of --rate.",
          OptionParsers::parsePositiveDouble);
  public static final Option<Long> SOAK_SAMPLE_SECONDS =
      positiveLong("sample-seconds", 60L, "S", "bench soak: seconds between two samples.");
  public static final Option<Double> SOAK_WARM_UP_MINUTES =
      new Option<>(
          "warm-up-minutes",
          15.0,
          "M",
          "bench soak: minutes left out of the slopes (JIT, caches and buffers filling).",
          OptionParsers::parsePositiveDouble);
  public static final Option<Integer> BENCH_STEPS =
      positiveInt(
          "steps",
          20,
          "S",
          "bench head: timed DCP steps per point (median), the Partial FC and FC heads S/5 (at least 2); bench "
              + "pipeline: timed steps (at least --publish-every-steps: the job is timed between its model versions).");
  public static final Option<Integer> BENCH_ROUNDS =
      positiveInt(
          "rounds",
          3,
          "R",
          "bench pipeline: timed runs of the bare loop and of the job each, alternating; the best of "
              + "each is compared.");
  public static final Option<Boolean> JSON =
      new Option<>(
          "json",
          false,
          "",
          "Print only the machine-readable JSON line(s).",
          Boolean::parseBoolean);
  public static final Option<Path> PLOT =
      path(
          "plot",
          Path.of("f2c-work", "bench-head.png"),
          "bench head: where to write the PNG plot (time and memory vs N).");

  // --- Local cluster ---
  public static final Option<Path> CLUSTER_DIR =
      path(
          "cluster-dir",
          Path.of("f2c-work", "cluster"),
          "cluster: where the local cluster keeps its configuration, Kafka data, checkpoints, savepoints and logs.");
  public static final Option<String> FROM_SAVEPOINT =
      new Option<>(
          "from-savepoint",
          "",
          "PATH",
          "cluster submit: start the job from this savepoint (as flink run -s).",
          String::trim);
}
