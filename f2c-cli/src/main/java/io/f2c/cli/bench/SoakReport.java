package io.f2c.cli.bench;

import com.google.gson.JsonObject;
import io.f2c.cli.JsonOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The soak's CSV (written as samples come), slopes after the warm-up, plot and JSON line. */
public final class SoakReport implements AutoCloseable {
  private static final double MIB = 1048576.0;

  /** Each measure in the slopes, plot and CSV: its name and unit, and how to read it. */
  static final Map<String, ToDoubleFunction<SoakBenchmark.Sample>> MEASURES = measures();

  private static Map<String, ToDoubleFunction<SoakBenchmark.Sample>> measures() {
    Map<String, ToDoubleFunction<SoakBenchmark.Sample>> m = new LinkedHashMap<>();
    m.put("rss_mib", s -> s.rssBytes() / MIB);
    m.put("heap_mib", s -> s.heapBytes() / MIB);
    m.put("direct_mib", s -> s.directBytes() / MIB);
    m.put("native_arrays", s -> s.nativeArrays());
    m.put("native_array_mib", s -> s.nativeArrayBytes() / MIB);
    m.put("rocksdb_mib", s -> s.rocksDbBytes() / MIB);
    m.put("file_descriptors", s -> s.fileDescriptors());
    m.put("threads", s -> s.threads());
    return m;
  }

  private final Writer csv;

  /** Opens {@code file} and writes the CSV header. */
  public SoakReport(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    csv = Files.newBufferedWriter(file);
    csv.write(
        "minutes,"
            + String.join(",", MEASURES.keySet())
            + ",trainer_step,images_read,lag,send_rate\n");
    csv.flush();
  }

  /** Appends a sample and flushes, so a run that is stopped keeps what it measured. */
  public void add(SoakBenchmark.Sample sample) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.2f", sample.minutes()));
    MEASURES
        .values()
        .forEach(f -> line.append(String.format(Locale.ROOT, ",%.2f", f.applyAsDouble(sample))));
    line.append(',')
        .append(sample.trainerStep())
        .append(',')
        .append(sample.imagesRead())
        .append(',')
        .append(sample.lag())
        .append(',')
        .append(String.format(Locale.ROOT, "%.1f", sample.sendRate()))
        .append('\n');
    try {
      csv.write(line.toString());
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }

  /**
   * Least-squares slope per hour of {@code y} over the samples taken at or after {@code
   * fromMinutes}; NaN with fewer than two.
   */
  static double slopePerHour(
      List<SoakBenchmark.Sample> samples,
      double fromMinutes,
      ToDoubleFunction<SoakBenchmark.Sample> y) {
    return slopePerHour(samples, fromMinutes, Double.NaN, y);
  }

  /**
   * The slope per hour within segments: the samples from {@code warmUpMinutes} until the restore at
   * {@code restoredAt}, and those from {@code warmUpMinutes} after it (the restored job's caches
   * and buffers fill again). One slope with an own level per segment, so the restore's step is not
   * read as a trend. NaN with fewer than two samples in the segments.
   */
  static double slopePerHour(
      List<SoakBenchmark.Sample> samples,
      double warmUpMinutes,
      double restoredAt,
      ToDoubleFunction<SoakBenchmark.Sample> y) {
    List<List<SoakBenchmark.Sample>> segments = new ArrayList<>();
    if (Double.isNaN(restoredAt)) {
      segments.add(samples.stream().filter(s -> s.minutes() >= warmUpMinutes).toList());
    } else {
      segments.add(
          samples.stream()
              .filter(s -> s.minutes() >= warmUpMinutes && s.minutes() < restoredAt)
              .toList());
      segments.add(
          samples.stream().filter(s -> s.minutes() >= restoredAt + warmUpMinutes).toList());
    }
    double sxy = 0;
    double sxx = 0;
    int n = 0;
    for (List<SoakBenchmark.Sample> used : segments) {
      if (used.size() < 2) {
        continue;
      }
      n += used.size();
      double meanX =
          used.stream().mapToDouble(SoakBenchmark.Sample::minutes).average().orElseThrow();
      double meanY = used.stream().mapToDouble(y).average().orElseThrow();
      for (SoakBenchmark.Sample s : used) {
        double dx = s.minutes() - meanX;
        sxy += dx * (y.applyAsDouble(s) - meanY);
        sxx += dx * dx;
      }
    }
    return n < 2 || sxx == 0 ? Double.NaN : sxy / sxx * 60;
  }

  public static void printSlopes(
      SoakBenchmark.Result result, double warmUpMinutes, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "slopes per hour after %.0f minutes of warm-up, before and after the restore (%d samples in"
            + " all):%n",
        warmUpMinutes,
        result.samples().size());
    MEASURES.forEach(
        (name, f) ->
            out.printf(
                Locale.ROOT,
                "  %-18s %+10.2f   (last %.1f)%n",
                name,
                slopePerHour(result.samples(), warmUpMinutes, result.restoredAtMinutes(), f),
                f.applyAsDouble(result.samples().get(result.samples().size() - 1))));
  }

  public static JsonObject json(
      SoakBenchmark.Result result, double warmUpMinutes, String setup, SoakBenchmark.Burst burst) {
    JsonObject json = new JsonObject();
    json.addProperty("bench", "soak");
    json.addProperty("setup", setup);
    List<SoakBenchmark.Sample> samples = result.samples();
    json.add("minutes", JsonOutput.number(samples.get(samples.size() - 1).minutes(), 1));
    json.addProperty("samples", samples.size());
    json.add("warm_up_minutes", JsonOutput.number(warmUpMinutes, 1));
    json.add("restore_ms", JsonOutput.number(result.restoreMs(), 0));
    json.add("restored_at_minutes", JsonOutput.number(result.restoredAtMinutes(), 1));
    json.addProperty("trainer_steps", samples.get(samples.size() - 1).trainerStep());
    JsonObject slopes = new JsonObject();
    MEASURES.forEach(
        (name, f) ->
            slopes.add(
                name,
                JsonOutput.number(
                    slopePerHour(samples, warmUpMinutes, result.restoredAtMinutes(), f), 3)));
    json.add("slope_per_hour", slopes);
    if (burst.minutes() > 0 && burst.atMinutes() > 0) {
      json.add("burst", burst(samples, burst));
    }
    json.add(
        "rss_slope_mib_per_hour",
        JsonOutput.number(
            slopePerHour(
                samples, warmUpMinutes, result.restoredAtMinutes(), MEASURES.get("rss_mib")),
            3));
    return json;
  }

  /**
   * Where a burst's excess waited (the lag), whether it drained, and memory before and during it.
   */
  static JsonObject burst(List<SoakBenchmark.Sample> samples, SoakBenchmark.Burst burst) {
    double end = burst.atMinutes() + burst.minutes();
    List<SoakBenchmark.Sample> before =
        samples.stream().filter(s -> s.minutes() < burst.atMinutes()).toList();
    List<SoakBenchmark.Sample> from =
        samples.stream().filter(s -> s.minutes() >= burst.atMinutes()).toList();
    long lagBefore = before.stream().mapToLong(SoakBenchmark.Sample::lag).max().orElse(0);
    long threshold = Math.max(2 * lagBefore, 100);
    JsonObject json = new JsonObject();
    json.add("at_minutes", JsonOutput.number(burst.atMinutes(), 2));
    json.add("minutes", JsonOutput.number(burst.minutes(), 2));
    json.add("factor", JsonOutput.number(burst.factor(), 1));
    json.addProperty("lag_before", lagBefore);
    json.addProperty(
        "peak_lag", from.stream().mapToLong(SoakBenchmark.Sample::lag).max().orElse(-1));
    json.addProperty("lag_at_end", samples.get(samples.size() - 1).lag());
    json.add(
        "drained_minutes_after_burst",
        JsonOutput.number(
            from.stream()
                .filter(s -> s.minutes() >= end && s.lag() <= threshold)
                .mapToDouble(s -> s.minutes() - end)
                .findFirst()
                .orElse(Double.NaN),
            2));
    json.add("rss_mib_before", JsonOutput.number(max(before, MEASURES.get("rss_mib")), 1));
    json.add("rss_mib_peak_after", JsonOutput.number(max(from, MEASURES.get("rss_mib")), 1));
    json.add("heap_mib_before", JsonOutput.number(max(before, MEASURES.get("heap_mib")), 1));
    json.add("heap_mib_peak_after", JsonOutput.number(max(from, MEASURES.get("heap_mib")), 1));
    return json;
  }

  private static double max(
      List<SoakBenchmark.Sample> samples, ToDoubleFunction<SoakBenchmark.Sample> f) {
    return samples.stream().mapToDouble(f).max().orElse(Double.NaN);
  }

  /** Memory in MiB over minutes, and descriptors and threads, side by side. */
  public static void plot(SoakBenchmark.Result result, Path file) throws IOException {
    XYChart memory = chart("Memory", "MiB");
    XYChart counts = chart("Handles", "count");
    double[] minutes =
        result.samples().stream().mapToDouble(SoakBenchmark.Sample::minutes).toArray();
    MEASURES.forEach(
        (name, f) -> {
          double[] ys = result.samples().stream().mapToDouble(f).toArray();
          (name.endsWith("_mib") ? memory : counts)
              .addSeries(name, minutes, ys)
              .setMarker(SeriesMarkers.NONE);
        });
    ChartImages.write(List.of(memory, counts), 2, file);
  }

  private static XYChart chart(String title, String yTitle) {
    return new XYChartBuilder()
        .width(640)
        .height(440)
        .title(title)
        .xAxisTitle("minutes")
        .yAxisTitle(yTitle)
        .build();
  }
}
