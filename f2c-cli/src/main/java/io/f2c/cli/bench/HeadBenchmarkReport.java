package io.f2c.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The head benchmark's table and its plot (time and memory against N, log scales; DCP, Partial FC
 * and FC).
 */
public final class HeadBenchmarkReport {
  private HeadBenchmarkReport() {}

  public static void printTable(List<HeadBenchmark.Point> points, PrintStream out) {
    out.printf(
        "%12s %10s %12s %14s %12s %8s %8s %12s %14s %12s %9s%n",
        "identities",
        "pool",
        "DCP ms/step",
        "PFC ms/step",
        "FC ms/step",
        "vs PFC",
        "vs FC",
        "DCP MiB",
        "PFC MiB",
        "FC MiB",
        "mem ratio");
    for (HeadBenchmark.Point p : points) {
      out.printf(
          Locale.ROOT,
          "%,12d %,10d %12.1f %14s %12s %8s %8s %12.1f %14s %12s %9.0f%n",
          p.ids(),
          p.pool(),
          p.dcpMs(),
          millis(p.partialFcMs(), p.partialFcFits()),
          millis(p.fcMs(), p.fcFits()),
          speedup(p.partialFcMs(), p.dcpMs(), p.partialFcFits()),
          speedup(p.fcMs(), p.dcpMs(), p.fcFits()),
          p.dcpBytes() / 1048576.0,
          mebibytes(p.partialFcBytes(), p.partialFcFits()),
          mebibytes(p.fcBytes(), p.fcFits()),
          p.fcBytes() / (double) p.dcpBytes());
    }
    out.println(
        "PFC: Partial FC; vs PFC, vs FC: that head's time over DCP's; mem ratio: FC memory over DCP's");
    if (points.stream().anyMatch(p -> !p.fcFits() || !p.partialFcFits())) {
      out.println("* the head does not fit in this machine's memory: the bytes it would need");
    }
  }

  private static String millis(double ms, boolean fits) {
    return fits ? String.format(Locale.ROOT, "%.1f", ms) : "no fit";
  }

  private static String speedup(double ms, double dcpMs, boolean fits) {
    return fits ? String.format(Locale.ROOT, "%.1fx", ms / dcpMs) : "-";
  }

  private static String mebibytes(long bytes, boolean fits) {
    return String.format(Locale.ROOT, "%.1f%s", bytes / 1048576.0, fits ? "" : "*");
  }

  public static void plot(List<HeadBenchmark.Point> points, Path file) throws IOException {
    XYChart time = chart("Head step time", "ms per step");
    XYChart memory = chart("Head memory", "bytes");
    // A series per pool spec; a point measured once for two specs (1% of 1M = 10,000) belongs to
    // both.
    var byPool = new TreeMap<String, List<HeadBenchmark.Point>>();
    for (String spec : points.stream().map(HeadBenchmark.Point::poolSpec).distinct().toList()) {
      String key = "DCP, Q = " + spec + (spec.endsWith("%") ? " of N" : "");
      byPool.put(
          key,
          points.stream().filter(p -> p.pool() == HeadBenchmark.poolSize(spec, p.ids())).toList());
    }
    byPool.forEach(
        (name, list) -> {
          add(time, name, list, HeadBenchmark.Point::dcpMs);
          add(memory, name, list, p -> (double) p.dcpBytes());
        });
    var perN =
        points.stream()
            .collect(Collectors.toMap(HeadBenchmark.Point::ids, p -> p, (a, b) -> a, TreeMap::new))
            .values()
            .stream()
            .toList();
    addIfAny(
        time,
        "Partial FC",
        perN.stream().filter(HeadBenchmark.Point::partialFcFits).toList(),
        HeadBenchmark.Point::partialFcMs);
    addIfAny(
        time,
        "FC",
        perN.stream().filter(HeadBenchmark.Point::fcFits).toList(),
        HeadBenchmark.Point::fcMs);
    add(memory, "Partial FC (needed)", perN, p -> (double) p.partialFcBytes());
    add(memory, "FC (needed)", perN, p -> (double) p.fcBytes());
    ChartImages.write(List.of(time, memory), 2, file);
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(640)
            .height(440)
            .title(title)
            .xAxisTitle("identities N")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    return chart;
  }

  /** A series of the points that have one: a head that fits at no N has none. */
  private static void addIfAny(
      XYChart chart,
      String name,
      List<HeadBenchmark.Point> points,
      ToDoubleFunction<HeadBenchmark.Point> y) {
    if (!points.isEmpty()) {
      add(chart, name, points, y);
    }
  }

  private static void add(
      XYChart chart,
      String name,
      List<HeadBenchmark.Point> points,
      ToDoubleFunction<HeadBenchmark.Point> y) {
    double[] xs = points.stream().mapToDouble(HeadBenchmark.Point::ids).toArray();
    double[] ys = points.stream().mapToDouble(y).toArray();
    chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
  }
}
