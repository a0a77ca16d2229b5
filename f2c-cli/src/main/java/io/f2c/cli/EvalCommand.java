package io.f2c.cli;

import com.google.gson.JsonObject;
import io.f2c.cli.config.ToolOptions;
import io.f2c.eval.Identification;
import io.f2c.eval.LfwPairs;
import io.f2c.eval.LfwProtocol;
import io.f2c.eval.PairVerification;
import io.f2c.eval.RocPlot;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.TrainerSettings;
import io.f2c.model.Embedder;
import io.f2c.model.FaceEmbedding;
import io.f2c.subscribing.ModelSubscriber;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code f2c eval}: LFW-protocol verification on a pairs file (n-fold accuracy, ROC, TAR at FAR)
 * and/or rank-1 identification on a one-folder-per-identity set, of a saved model, the latest model
 * on Kafka, or raw pixels.
 */
final class EvalCommand {
  /** FARs at which TAR is reported (where the pairs have enough different-identity pairs). */
  static final double[] FARS = {1e-3, 1e-2};

  private final F2cConfig config;
  private final PrintStream out;

  EvalCommand(F2cConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** The figures of one evaluation, printed as a table and as the last JSON line. */
  record Result(
      String label,
      String source,
      List<Integer> folds,
      PairVerification.FoldAccuracy accuracy,
      PairVerification.Roc roc,
      int pairs,
      double[] tarAtFar,
      double rank1,
      int probes,
      Boolean testTimeFlip) {}

  int run() throws IOException, InterruptedException {
    Path pairsFile = config.get(ToolOptions.PAIRS);
    Path identify = config.get(ToolOptions.IDENTIFY_DIR);
    if (pairsFile == null && identify == null) {
      throw new F2cConfig.UsageException(
          "nothing to evaluate: give --pairs FILE --images DIR and/or --identify DIR");
    }
    if (pairsFile != null && config.get(ToolOptions.IMAGES_DIR) == null) {
      throw new F2cConfig.UsageException(
          "--pairs needs --images DIR, the folder the pairs' images are in");
    }
    List<Candidate> candidates = candidates();
    Map<String, PairVerification.Roc> curves = new LinkedHashMap<>();
    List<Result> results = new ArrayList<>();
    for (Candidate c : candidates) {
      List<Result> ofCandidate = new ArrayList<>();
      if (c.blob() == null) {
        ofCandidate.add(
            evaluate(
                FaceEmbedding.rawPixels(TrainerSettings.preprocessSpec(config)),
                c.label(),
                c.source(),
                null));
      } else {
        try (Embedder embedder = Embedder.load(c.blob())) {
          ToolOptions.EvalFlip flip = config.get(ToolOptions.EVAL_FLIP);
          for (boolean on : flipSettings(flip, embedder.testTimeFlip())) {
            embedder.testTimeFlip(on);
            String label =
                flip == ToolOptions.EvalFlip.BOTH
                    ? c.label() + (on ? ", test-time flip" : ", no test-time flip")
                    : c.label();
            ofCandidate.add(evaluate(embedder, label, c.source(), on));
          }
        }
      }
      for (Result result : ofCandidate) {
        results.add(result);
        if (result.roc() != null) {
          curves.put(result.label(), result.roc());
        }
        if (!config.get(ToolOptions.JSON)) {
          printTable(result);
        }
      }
    }
    if (!curves.isEmpty()) {
      RocPlot.write(curves, config.get(ToolOptions.ROC_PLOT));
      if (!config.get(ToolOptions.JSON)) {
        out.println(
            "ROC curve" + (curves.size() > 1 ? "s: " : ": ") + config.get(ToolOptions.ROC_PLOT));
      }
    }
    results.forEach(r -> out.println(json(r)));
    return 0;
  }

  /** The test-time flip settings to measure a model with, given what the model says. */
  static List<Boolean> flipSettings(ToolOptions.EvalFlip flip, boolean modelSays) {
    return switch (flip) {
      case MODEL -> List.of(modelSays);
      case ON -> List.of(true);
      case OFF -> List.of(false);
      case BOTH -> List.of(false, true);
    };
  }

  /** What to evaluate: a model (its blob) or the raw-pixel baseline (no blob). */
  record Candidate(String label, String source, byte[] blob) {}

  private List<Candidate> candidates() throws IOException, InterruptedException {
    List<String> labels =
        config.get(ToolOptions.LABEL).isEmpty()
            ? List.of()
            : List.of(config.get(ToolOptions.LABEL).split(","));
    List<Candidate> candidates = new ArrayList<>();
    if (!config.get(ToolOptions.MODEL_FILE).isEmpty()) {
      for (String name : config.get(ToolOptions.MODEL_FILE).split(",")) {
        Path file = Path.of(name.trim());
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(
              "model file "
                  + file
                  + " does not exist (write one with f2c subscribe "
                  + "--save DIR)");
        }
        candidates.add(
            new Candidate(
                file.getFileName().toString().replaceAll("\\.f2cm$", ""),
                file.toString(),
                Files.readAllBytes(file)));
      }
    } else if (!config.get(F2cOptions.BOOTSTRAP_SERVERS).isEmpty()) {
      ModelSubscriber.ModelVersion latest = latestOnKafka();
      candidates.add(
          new Candidate(
              latest.modelName() + " v" + latest.version(),
              latest.modelName()
                  + " v"
                  + latest.version()
                  + " (step "
                  + latest.trainingStep()
                  + ") from "
                  + config.get(F2cOptions.BOOTSTRAP_SERVERS),
              latest.blob()));
    }
    if (config.get(ToolOptions.RAW_PIXELS)) {
      candidates.add(
          new Candidate(
              "raw pixels", "raw pixels " + config.get(F2cOptions.INPUT_SIZE) + "px", null));
    }
    if (candidates.isEmpty()) {
      throw new F2cConfig.UsageException(
          "which model? give --model FILE, --bootstrap-servers H:P or --raw-pixels");
    }
    if (labels.size() > candidates.size()) {
      throw new F2cConfig.UsageException(
          "--label names "
              + labels.size()
              + " models but there are "
              + candidates.size()
              + " to evaluate");
    }
    for (int i = 0; i < labels.size(); i++) {
      Candidate c = candidates.get(i);
      candidates.set(i, new Candidate(labels.get(i).trim(), c.source(), c.blob()));
    }
    return candidates;
  }

  /** The latest complete version on the models topic (a subscriber starts from it). */
  private ModelSubscriber.ModelVersion latestOnKafka() throws InterruptedException {
    try (ModelSubscriber subscriber =
        ModelSubscriber.start(
            F2cJob.kafka(config),
            config.get(F2cOptions.MODELS_TOPIC),
            config.get(F2cOptions.MODEL_NAME),
            v -> {})) {
      return subscriber
          .awaitFirst(Duration.ofSeconds(60))
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no complete version of model "
                          + config.get(F2cOptions.MODEL_NAME)
                          + " on "
                          + config.get(F2cOptions.MODELS_TOPIC)
                          + " within 60 s (is the trainer publishing? --model-name right?)"));
    }
  }

  /**
   * @param testTimeFlip whether a model embedded with test-time flips (null: raw pixels)
   */
  Result evaluate(FaceEmbedding embedding, String label, String source, Boolean testTimeFlip)
      throws IOException {
    PairVerification.FoldAccuracy accuracy = null;
    PairVerification.Roc roc = null;
    double[] tars = new double[FARS.length];
    Arrays.fill(tars, Double.NaN);
    List<Integer> folds = List.of();
    int pairCount = 0;
    if (config.get(ToolOptions.PAIRS) != null) {
      LfwPairs pairs = LfwPairs.read(config.get(ToolOptions.PAIRS));
      LfwProtocol verification =
          LfwProtocol.evaluate(
              pairs,
              pairs.selectFolds(config.get(ToolOptions.FOLDS)),
              config.get(ToolOptions.IMAGES_DIR),
              embedding,
              FARS);
      folds = verification.folds();
      accuracy = verification.accuracy();
      roc = verification.roc();
      tars = verification.tarAtFar();
      pairCount = verification.pairs();
    }
    double rank1 = Double.NaN;
    int probes = 0;
    if (config.get(ToolOptions.IDENTIFY_DIR) != null) {
      Identification id = Identification.split(config.get(ToolOptions.IDENTIFY_DIR));
      rank1 = id.rank1(embedding);
      probes = id.probes().size();
    }
    return new Result(
        label, source, folds, accuracy, roc, pairCount, tars, rank1, probes, testTimeFlip);
  }

  /** "[1,2]". */
  private static String foldList(Result r) {
    return r.folds().toString().replace(" ", "");
  }

  private void printTable(Result r) {
    out.println(
        "model: "
            + r.source()
            + " ("
            + r.label()
            + (r.testTimeFlip() == null || r.label().endsWith("test-time flip")
                ? ""
                : r.testTimeFlip() ? "; with test-time flip" : "; no test-time flip")
            + ")");
    if (r.accuracy() != null) {
      out.printf(
          Locale.ROOT, "LFW-protocol verification, folds %s (%d pairs):%n", foldList(r), r.pairs());
      out.printf("  %-6s %9s %10s%n", "fold", "accuracy", "threshold");
      for (int i = 0; i < r.accuracy().accuracies().length; i++) {
        out.printf(
            Locale.ROOT,
            "  %-6s %9.4f %10.4f%n",
            r.folds().get(i),
            r.accuracy().accuracies()[i],
            r.accuracy().thresholds()[i]);
      }
      out.printf(
          Locale.ROOT,
          "  mean accuracy %.4f +- %.4f, AUC %.4f%n",
          r.accuracy().mean(),
          r.accuracy().std(),
          r.roc().auc());
      for (int i = 0; i < FARS.length; i++) {
        out.printf(
            Locale.ROOT,
            "  TAR at FAR %.0e: %s%n",
            FARS[i],
            Double.isNaN(r.tarAtFar()[i])
                ? "n/a (fewer than " + Math.round(1 / FARS[i]) + " different-identity pairs)"
                : String.format(Locale.ROOT, "%.4f", r.tarAtFar()[i]));
      }
    }
    if (!Double.isNaN(r.rank1())) {
      out.printf(Locale.ROOT, "rank-1 identification: %.4f (%d probes)%n", r.rank1(), r.probes());
    }
  }

  static String json(Result r) {
    JsonObject json = new JsonObject();
    json.addProperty("label", r.label());
    if (r.testTimeFlip() != null) {
      json.addProperty("test_time_flip", r.testTimeFlip());
    }
    if (r.accuracy() != null) {
      json.addProperty("folds", foldList(r));
      json.addProperty("pairs", r.pairs());
      json.add("accuracy_mean", JsonOutput.number(r.accuracy().mean(), 4));
      json.add("accuracy_std", JsonOutput.number(r.accuracy().std(), 4));
      json.add("auc", JsonOutput.number(r.roc().auc(), 4));
      for (int i = 0; i < FARS.length; i++) {
        json.add(
            String.format(Locale.ROOT, "tar_at_far_%.0e", FARS[i]),
            JsonOutput.number(r.tarAtFar()[i], 4));
      }
    }
    if (!Double.isNaN(r.rank1())) {
      json.add("rank1", JsonOutput.number(r.rank1(), 4));
      json.addProperty("probes", r.probes());
    }
    return json.toString();
  }
}
