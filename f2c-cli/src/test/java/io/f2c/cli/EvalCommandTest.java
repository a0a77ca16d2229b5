package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.eval.Identification;
import io.f2c.eval.LfwPairs;
import io.f2c.eval.PairVerification;
import io.f2c.eval.Verification;
import io.f2c.model.Embedder;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.SharedData;
import io.f2c.testing.SyntheticLfw;
import io.f2c.testing.TinyTrainers;
import io.f2c.training.F2cTrainer;
import io.f2c.training.TrainerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c eval}: LFW-protocol verification and rank-1 identification, on generated and (in CI)
 * real faces.
 */
class EvalCommandTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return F2cCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String lastLine() {
    return out.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
  }

  private static double field(String json, String name) {
    JsonObject object = JsonParser.parseString(json).getAsJsonObject();
    assertTrue(object.has(name) && !object.get(name).isJsonNull(), name + " in " + json);
    return object.get(name).getAsDouble();
  }

  @Test
  void rawPixelsOnSyntheticPairsAndIdentities() throws Exception {
    Path lfw = tmp.resolve("lfw");
    Path pairs = SyntheticLfw.write(lfw, 3, 20, 4, 2, 15);
    assertEquals(
        0,
        run(
            "eval",
            "--raw-pixels",
            "--pairs",
            pairs.toString(),
            "--images",
            lfw.toString(),
            "--input-size",
            "32",
            "--roc",
            tmp.resolve("roc.png").toString(),
            "--label",
            "raw"),
        err.toString());
    String json = lastLine();
    assertTrue(json.startsWith("{\"label\":\"raw\",\"folds\":\"[1,2]\",\"pairs\":60,"), json);
    // Synthetic identities differ in shape and colour: even raw pixels separate many of them, but
    // not all.
    double accuracy = field(json, "accuracy_mean");
    assertTrue(accuracy > 0.6 && accuracy <= 1.0, json);
    assertTrue(
        json.contains("\"tar_at_far_1e-03\":null"), "60 pairs cannot measure FAR 1e-3: " + json);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("fold"), out.toString());
    assertTrue(Files.size(tmp.resolve("roc.png")) > 1000);

    assertEquals(
        0,
        run("eval", "--raw-pixels", "--identify", lfw.toString(), "--input-size", "32", "--json"));
    json = lastLine();
    assertEquals(
        out.toString(StandardCharsets.UTF_8).strip(), json, "--json prints only the JSON line");
    assertEquals(40.0, field(json, "probes"), "20 identities x 2 probe images");
    assertTrue(field(json, "rank1") > 0.15, "well above chance (1/20): " + json);
  }

  @Test
  void aSavedModelIsEvaluatedThroughItsOwnPreprocessing() throws Exception {
    Path lfw = tmp.resolve("lfw");
    Path pairs = SyntheticLfw.write(lfw, 4, 12, 3, 2, 10);
    // Crop and normalisation unlike eval's defaults, at the same size (so the Embedder's length
    // guard cannot notice a wrong spec): only the model's own spec reproduces eval's figures.
    PreprocessSpec spec = new PreprocessSpec(16, 3, 0.7f, 100f, 50f);
    byte[] blob;
    try (F2cTrainer trainer =
        new F2cTrainer(
            TinyTrainers.builder(TrainerConfig.Head.DCP)
                .network(Backbone.SMALL_CNN, 16, spec)
                .build())) {
      blob = trainer.exportModel();
    }
    Path model = tmp.resolve("f2c-v1.f2cm");
    Files.write(model, blob);
    assertEquals(
        0,
        run(
            "eval",
            "--model",
            model.toString(),
            "--pairs",
            pairs.toString(),
            "--images",
            lfw.toString(),
            "--identify",
            lfw.toString(),
            "--roc",
            tmp.resolve("roc.png").toString()),
        err.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    String json = lastLine();
    assertEquals(40.0, field(json, "pairs"), json);
    assertTrue(text.contains("model: " + model), text);

    Figures expected = figures(blob, spec, pairs, lfw);
    assertTrue(
        expected.differsFrom(figures(blob, new PreprocessSpec(16, 3, 1f, 100f, 50f), pairs, lfw)),
        "these pairs tell crop 0.7 from crop 1.0");
    assertTrue(
        expected.differsFrom(figures(blob, PreprocessSpec.of(16, 3, 0.7), pairs, lfw)),
        "these pairs tell the model's normalisation from the default one");
    // The table prints each fold's threshold (a midpoint of two pair scores) to 4 decimals, the
    // JSON line the other figures.
    Matcher row =
        Pattern.compile("(?m)^  (\\d+)\\s+(\\d\\.\\d{4})\\s+(-?\\d+\\.\\d{4})\\s*$").matcher(text);
    List<Double> thresholds = new ArrayList<>();
    while (row.find()) {
      thresholds.add(Double.parseDouble(row.group(3)));
    }
    assertEquals(expected.thresholds().length, thresholds.size(), text);
    for (int i = 0; i < thresholds.size(); i++) {
      assertEquals(
          expected.thresholds()[i], thresholds.get(i), 2e-4, "fold " + (i + 1) + ":\n" + text);
    }
    assertEquals(expected.accuracy(), field(json, "accuracy_mean"), 1e-4, json);
    assertEquals(expected.auc(), field(json, "auc"), 1e-4, json);
    assertEquals(expected.rank1(), field(json, "rank1"), 1e-4, json);
  }

  /** What eval must report: per-fold thresholds, mean accuracy, AUC and rank-1. */
  private record Figures(double[] thresholds, double accuracy, double auc, double rank1) {
    boolean differsFrom(Figures other) {
      double most = Math.abs(accuracy - other.accuracy);
      most = Math.max(most, Math.abs(auc - other.auc));
      most = Math.max(most, Math.abs(rank1 - other.rank1));
      for (int i = 0; i < thresholds.length; i++) {
        most = Math.max(most, Math.abs(thresholds[i] - other.thresholds[i]));
      }
      return most > 1e-3;
    }
  }

  /**
   * The figures of {@code blob} on the pairs (all folds) and on {@code lfw} as identification set,
   * worked out from images preprocessed here by {@code spec} and embedded one at a time.
   */
  private static Figures figures(byte[] blob, PreprocessSpec spec, Path pairsFile, Path lfw)
      throws Exception {
    ImageDecoder decoder = new ImageDecoder(spec, 1L << 26, 1 << 26);
    try (Embedder embedder = Embedder.load(blob)) {
      List<LfwPairs.Pair> all = LfwPairs.read(pairsFile).pairs();
      double[] scores = new double[all.size()];
      boolean[] same = new boolean[all.size()];
      int[] fold = new int[all.size()];
      for (int i = 0; i < all.size(); i++) {
        LfwPairs.Pair p = all.get(i);
        float[] a = embed(embedder, decoder, List.of(p.fileA(lfw)));
        float[] b = embed(embedder, decoder, List.of(p.fileB(lfw)));
        scores[i] = Verification.cosine(a, 0, b, 0, embedder.dim());
        same[i] = p.same();
        fold[i] = p.fold();
      }
      PairVerification.FoldAccuracy accuracy = PairVerification.nFold(scores, same, fold);
      Identification id = Identification.split(lfw);
      double rank1 =
          Verification.rank1(
              embed(embedder, decoder, id.gallery()),
              id.galleryLabels(),
              embed(embedder, decoder, id.probes()),
              id.probeLabels(),
              embedder.dim());
      return new Figures(
          accuracy.thresholds(), accuracy.mean(), PairVerification.roc(scores, same).auc(), rank1);
    }
  }

  /** Embeddings [files, dim] of image files, each decoded by {@code decoder}. */
  private static float[] embed(Embedder embedder, ImageDecoder decoder, List<Path> files)
      throws Exception {
    int dim = embedder.dim();
    float[] rows = new float[files.size() * dim];
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      float[] pixels = decoder.networkInput(Files.readAllBytes(file), ImageDecoder.formatOf(file));
      System.arraycopy(embedder.embed(pixels, 1), 0, rows, i * dim, dim);
    }
    return rows;
  }

  @Test
  void evalFlipBothMeasuresAModelWithAndWithoutItsMirror() throws Exception {
    Path lfw = tmp.resolve("lfw");
    Path pairs = SyntheticLfw.write(lfw, 4, 12, 3, 2, 10);
    Path model = tmp.resolve("f2c-v1.f2cm");
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      Files.write(model, trainer.exportModel());
    }
    String[] args = {
      "eval",
      "--model",
      model.toString(),
      "--label",
      "tiny",
      "--pairs",
      pairs.toString(),
      "--images",
      lfw.toString(),
      "--roc",
      tmp.resolve("roc.png").toString(),
      "--json",
      "--eval-flip",
      "both"
    };
    assertEquals(0, run(args), err.toString());
    List<JsonObject> results =
        out.toString(StandardCharsets.UTF_8)
            .strip()
            .lines()
            .map(line -> JsonParser.parseString(line).getAsJsonObject())
            .toList();
    assertEquals(2, results.size(), out.toString());
    assertEquals("tiny, no test-time flip", results.get(0).get("label").getAsString());
    assertFalse(results.get(0).get("test_time_flip").getAsBoolean());
    assertEquals("tiny, test-time flip", results.get(1).get("label").getAsString());
    assertTrue(results.get(1).get("test_time_flip").getAsBoolean());
    assertNotEquals(
        results.get(0).get("auc").getAsDouble(),
        results.get(1).get("auc").getAsDouble(),
        "the mirror changes the scores");
    args[args.length - 1] = "sideways";
    assertEquals(2, run(args));
    assertTrue(err.toString().contains("expected model, on, off or both"), err.toString());
  }

  @Test
  void mistakesAreExplained() throws Exception {
    assertEquals(2, run("eval", "--raw-pixels"));
    assertTrue(err.toString().contains("nothing to evaluate"), err.toString());
    assertEquals(2, run("eval", "--raw-pixels", "--pairs", "p.txt"));
    assertTrue(err.toString().contains("--pairs needs --images"), err.toString());
    assertEquals(2, run("eval", "--identify", tmp.toString()));
    assertTrue(err.toString().contains("which model?"), err.toString());
    assertEquals(
        2,
        run("eval", "--model", tmp.resolve("none.f2cm").toString(), "--identify", tmp.toString()));
    assertTrue(err.toString().contains("does not exist"), err.toString());
    assertEquals(2, run("eval", "--raw-pixels", "--folds", "1,x", "--identify", tmp.toString()));
    assertTrue(err.toString().contains("folds is 'all' or fold numbers"), err.toString());
  }

  @Test
  void rawPixelBaselineOnRealLfwAndOrl() throws Exception {
    Path lfw = SharedData.require("lfw");
    Path orl = SharedData.require("orl");
    assertEquals(
        0,
        run(
            "eval",
            "--raw-pixels",
            "--pairs",
            lfw.resolve("pairs.txt").toString(),
            "--images",
            lfw.toString(),
            "--input-size",
            "48",
            "--crop-fraction",
            "0.7",
            "--roc",
            tmp.resolve("roc.png").toString()),
        err.toString());
    String json = lastLine();
    assertEquals(4800.0, field(json, "pairs"), "8 folds of 600 pairs");
    // Raw pixels are a weak face matcher: clearly above chance, far from a trained model.
    double accuracy = field(json, "accuracy_mean");
    assertTrue(accuracy > 0.55 && accuracy < 0.75, json);
    assertTrue(
        field(json, "tar_at_far_1e-03") < 0.2, "2,400 different pairs measure FAR 1e-3: " + json);
    assertEquals(
        0,
        run(
            "eval",
            "--raw-pixels",
            "--identify",
            orl.toString(),
            "--input-size",
            "48",
            "--channels",
            "1",
            "--json"));
    json = lastLine();
    assertEquals(200.0, field(json, "probes"), "40 identities x 5 probes");
    assertTrue(field(json, "rank1") > 0.6, json);
  }
}
