package io.f2c.cli.study;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.f2c.cli.JsonOutput;
import io.f2c.cli.config.ToolOptions;
import io.f2c.eval.CrossVersionVerification;
import io.f2c.eval.ImageEmbeddings;
import io.f2c.eval.LfwPairs;
import io.f2c.job.config.F2cConfig;
import io.f2c.model.Embedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code f2c study versions}: how far apart a model's versions are. For every saved version n and
 * each offset k, LFW-protocol verification with the first image of each pair embedded by version n
 * (the gallery) and the second by version n + k (the probe), against n with itself, and the mean
 * cosine between an image's embeddings by the two versions.
 */
public final class StudyVersionsCommand {
  private static final Pattern VERSION = Pattern.compile("-v(\\d+)\\.f2cm$");

  private StudyVersionsCommand() {}

  record Version(long number, Path file) {}

  public static int run(F2cConfig config, PrintStream out) throws IOException {
    Path dir = config.get(ToolOptions.VERSIONS_DIR);
    Path pairsFile = config.get(ToolOptions.PAIRS);
    Path images = config.get(ToolOptions.IMAGES_DIR);
    if (dir == null || pairsFile == null || images == null) {
      throw new F2cConfig.UsageException(
          "needs --versions DIR (saved by subscribe --save or demo --save), --pairs FILE and --images DIR");
    }
    List<Version> versions = versions(dir);
    int[] offsets = offsets(config.get(ToolOptions.VERSION_OFFSETS));
    LfwPairs pairs = LfwPairs.read(pairsFile);
    List<Integer> folds = pairs.selectFolds(config.get(ToolOptions.FOLDS));
    CrossVersionVerification study = new CrossVersionVerification(pairs, folds, images);
    Map<Long, ImageEmbeddings> embedded = new LinkedHashMap<>();
    for (Version v : versions) {
      try (Embedder embedder = Embedder.load(Files.readAllBytes(v.file()))) {
        embedded.put(v.number(), study.embed(embedder));
      }
    }
    out.printf(
        Locale.ROOT,
        "cross-version verification on folds %s of %s (%d versions)%n",
        folds,
        pairsFile.getFileName(),
        versions.size());
    out.printf(
        Locale.ROOT,
        "  %-8s %-8s %9s %7s %18s %12s%n",
        "gallery",
        "probe",
        "accuracy",
        "std",
        "at probe's thresh.",
        "self-cosine");
    JsonArray rows = new JsonArray();
    Map<Integer, double[]> sums = new LinkedHashMap<>();
    for (int i = 0; i < versions.size(); i++) {
      for (int k : offsets) {
        if (i + k >= versions.size()) {
          continue;
        }
        long n = versions.get(i).number();
        long m = versions.get(i + k).number();
        CrossVersionVerification.Result r = study.evaluate(embedded.get(n), embedded.get(m));
        out.printf(
            Locale.ROOT,
            "  v%-7d v%-7d %9.4f %7.4f %18.4f %12.4f%n",
            n,
            m,
            r.mean(),
            r.std(),
            r.atProbeThreshold(),
            r.selfCosine());
        JsonObject row = new JsonObject();
        row.addProperty("gallery", n);
        row.addProperty("probe", m);
        row.add("accuracy", JsonOutput.number(r.mean(), 4));
        row.add("std", JsonOutput.number(r.std(), 4));
        row.add("accuracy_at_probe_threshold", JsonOutput.number(r.atProbeThreshold(), 4));
        row.add("self_cosine", JsonOutput.number(r.selfCosine(), 4));
        rows.add(row);
        double[] sum = sums.computeIfAbsent(k, x -> new double[4]);
        sum[0] += r.mean();
        sum[1] += r.selfCosine();
        sum[2]++;
        sum[3] += r.atProbeThreshold();
      }
    }
    JsonObject summary = new JsonObject();
    summary.addProperty("study", "versions");
    summary.addProperty("versions", versions.size());
    summary.addProperty("folds", folds.toString().replace(" ", ""));
    sums.forEach(
        (k, sum) -> {
          out.printf(
              Locale.ROOT,
              "offset %d: mean accuracy %.4f (at the probe version's thresholds %.4f), mean"
                  + " self-cosine %.4f over %d gallery versions%n",
              k,
              sum[0] / sum[2],
              sum[3] / sum[2],
              sum[1] / sum[2],
              (int) sum[2]);
          summary.add("accuracy_offset_" + k, JsonOutput.number(sum[0] / sum[2], 4));
          summary.add("self_cosine_offset_" + k, JsonOutput.number(sum[1] / sum[2], 4));
          summary.add(
              "accuracy_at_probe_threshold_offset_" + k, JsonOutput.number(sum[3] / sum[2], 4));
        });
    summary.add("rows", rows);
    out.println(summary);
    return 0;
  }

  /** The saved versions in {@code dir} ({@code <model>-v<version>.f2cm}), oldest first. */
  static List<Version> versions(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--versions " + dir + " is not a folder");
    }
    List<Version> versions = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Matcher m = VERSION.matcher(f.getFileName().toString());
        if (m.find()) {
          versions.add(new Version(Long.parseLong(m.group(1)), f));
        }
      }
    }
    if (versions.size() < 2) {
      throw new IllegalArgumentException(
          "--versions "
              + dir
              + " holds "
              + versions.size()
              + " model versions; the study needs two");
    }
    versions.sort(Comparator.comparingLong(Version::number));
    return versions;
  }

  /** "0,1,5" as numbers, each at least 0. */
  static int[] offsets(String text) {
    int[] offsets =
        Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    if (offsets.length == 0 || Arrays.stream(offsets).anyMatch(k -> k < 0)) {
      throw new F2cConfig.UsageException("--offsets takes version offsets >= 0, e.g. 0,1,5");
    }
    return offsets;
  }
}
