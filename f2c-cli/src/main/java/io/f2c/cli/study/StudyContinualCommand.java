package io.f2c.cli.study;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.f2c.cli.JsonOutput;
import io.f2c.cli.config.ToolOptions;
import io.f2c.eval.ContinualMatrix;
import io.f2c.eval.ContinualPlot;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.synthetic.SyntheticFaces;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code f2c study continual}: a stream that brings identities in phases, every published version
 * evaluated on the held-out pairs of every phase (the accuracy matrix), and from it average
 * accuracy, forgetting and freshness per phase, and the distance between consecutive versions.
 */
public final class StudyContinualCommand {
  /** Freshness: a phase is learned once a version reaches this share of its final accuracy. */
  static final double FRESH_SHARE = 0.95;

  private StudyContinualCommand() {}

  public static int run(F2cConfig config, PrintStream out) throws Exception {
    Path dir = config.get(ToolOptions.STUDY_DIR);
    Path images = config.get(ToolOptions.IMAGES_DIR);
    if (images == null) {
      images = dir.resolve("synthetic-faces");
      if (!Files.isDirectory(images)) {
        new SyntheticFaces(config.get(F2cOptions.SEED), config.get(F2cOptions.INPUT_SIZE))
            .writeFolder(
                images,
                config.get(ToolOptions.SYNTHETIC_IDENTITIES),
                config.get(ToolOptions.SYNTHETIC_IMAGES));
      }
    }
    int phaseCount = config.get(ToolOptions.PHASES);
    List<ContinualPhases.Phase> phases =
        ContinualPhases.split(images, phaseCount, config.get(F2cOptions.SEED));
    if (!config.isSet(ModelVersionOptions.HELD_OUT_SHARE)) {
      // The phases hold out images, not identities: every identity trains.
      config = config.with(ModelVersionOptions.HELD_OUT_SHARE, 0.0);
    }
    Path versions = dir.resolve("versions");
    Files.createDirectories(versions);
    try (var old = Files.list(versions)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    out.printf(
        Locale.ROOT,
        "continual study: %s in %d phases of disjoint identities, %d held-out pairs each or more%n",
        images,
        phases.size(),
        phases.stream().mapToInt(p -> p.pairs().size()).min().orElse(0));
    ContinualStream.Result stream =
        new ContinualStream(config, out)
            .run(phases, config.get(ToolOptions.PHASE_IMAGES), versions);
    out.printf(
        Locale.ROOT,
        "evaluating %d versions on the held-out pairs of each phase%n",
        stream.arrivals().size());
    ContinualEvaluation.Result result = ContinualEvaluation.evaluate(phases, stream, out);
    Path plot = dir.resolve("continual.png");
    ContinualPlot.write(
        result.matrix(),
        String.format(Locale.ROOT, "Held-out accuracy per phase (%s)", images.getFileName()),
        plot);
    JsonObject summary = summary(result, stream, phases, out);
    summary.addProperty("plot", plot.toString());
    Files.writeString(dir.resolve("continual.json"), summary + "\n");
    out.println(summary);
    return 0;
  }

  private static JsonObject summary(
      ContinualEvaluation.Result result,
      ContinualStream.Result stream,
      List<ContinualPhases.Phase> phases,
      PrintStream out) {
    ContinualMatrix m = result.matrix();
    JsonObject json = new JsonObject();
    json.addProperty("study", "continual");
    json.addProperty("phases", m.phases());
    json.addProperty("versions", m.versions());
    json.addProperty("images_sent", stream.imagesSent());
    json.add("average_accuracy", JsonOutput.number(m.averageAccuracy(), 4));
    json.add("average_forgetting", JsonOutput.number(m.averageForgetting(), 4));
    JsonArray finals = new JsonArray();
    JsonArray forgetting = new JsonArray();
    JsonArray freshImages = new JsonArray();
    JsonArray freshSeconds = new JsonArray();
    JsonArray pairs = new JsonArray();
    out.printf(
        Locale.ROOT,
        "%-6s %6s %9s %10s %18s %14s%n",
        "phase",
        "pairs",
        "final",
        "forgetting",
        "fresh after images",
        "after seconds");
    for (int p = 0; p < m.phases(); p++) {
      double last = m.accuracy(m.versions() - 1, p);
      ContinualMatrix.Freshness fresh = m.freshness(p, FRESH_SHARE);
      out.printf(
          Locale.ROOT,
          "%-6d %6d %9.4f %10.4f %18s %14s%n",
          p + 1,
          phases.get(p).pairs().size(),
          last,
          m.forgetting(p),
          fresh == null ? "-" : String.valueOf(fresh.images()),
          fresh == null ? "-" : String.format(Locale.ROOT, "%.1f", fresh.seconds()));
      finals.add(JsonOutput.number(last, 4));
      forgetting.add(JsonOutput.number(m.forgetting(p), 4));
      freshImages.add(fresh == null ? null : JsonOutput.number(fresh.images(), 0));
      freshSeconds.add(fresh == null ? null : JsonOutput.number(fresh.seconds(), 1));
      pairs.add(phases.get(p).pairs().size());
    }
    json.add("pairs", pairs);
    JsonArray starts = new JsonArray();
    m.phaseStarts().forEach(start -> starts.add(start.images()));
    json.add("phase_start_images", starts);
    json.add("final_accuracy", finals);
    json.add("forgetting", forgetting);
    json.add("freshness_images", freshImages);
    json.add("freshness_seconds", freshSeconds);
    double crossAccuracy =
        result.consecutive().stream().mapToDouble(s -> s.accuracy()).average().orElse(Double.NaN);
    double selfCosine =
        result.consecutive().stream().mapToDouble(s -> s.selfCosine()).average().orElse(Double.NaN);
    out.printf(
        Locale.ROOT,
        "average accuracy %.4f, average forgetting %.4f; consecutive versions (gallery n, probe"
            + " n+1): accuracy %.4f, self-cosine %.4f%n",
        m.averageAccuracy(),
        m.averageForgetting(),
        crossAccuracy,
        selfCosine);
    json.add("consecutive_accuracy", JsonOutput.number(crossAccuracy, 4));
    json.add("consecutive_self_cosine", JsonOutput.number(selfCosine, 4));
    JsonArray matrix = new JsonArray();
    for (int v = 0; v < m.versions(); v++) {
      JsonObject row = new JsonObject();
      ContinualStream.Arrival a = stream.arrivals().get(v);
      row.addProperty("version", a.version());
      row.addProperty("step", a.step());
      row.addProperty("images_sent", a.at().images());
      row.add("seconds", JsonOutput.number(a.at().seconds(), 1));
      JsonArray acc = new JsonArray();
      for (int p = 0; p < m.phases(); p++) {
        acc.add(JsonOutput.number(m.accuracy(v, p), 4));
      }
      row.add("accuracy", acc);
      matrix.add(row);
    }
    json.add("matrix", matrix);
    return json;
  }
}
