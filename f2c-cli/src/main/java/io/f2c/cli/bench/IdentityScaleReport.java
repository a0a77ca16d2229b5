package io.f2c.cli.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.f2c.cli.JsonOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The identity-scale benchmark's table, plot (each figure against N) and JSON line. */
public final class IdentityScaleReport {
  private IdentityScaleReport() {}

  private static final double MIB = 1048576.0;

  public static void printTable(List<IdentityScaleBenchmark.Point> points, PrintStream out) {
    out.printf(
        "%10s %9s %10s %9s %10s %11s %9s %11s %10s %9s %9s %9s%n",
        "identities",
        "ms/step",
        "ingest/s",
        "replays/s",
        "state MiB",
        "B/identity",
        "ckpt ms",
        "ckpt+ MiB",
        "restore ms",
        "start ms",
        "heap MiB",
        "RSS MiB");
    for (IdentityScaleBenchmark.Point p : points) {
      out.printf(
          Locale.ROOT,
          "%,10d %9.1f %10.0f %9.1f %10.1f %11.0f %9.0f %11.2f %10.0f %9.0f %9.0f %9.0f%n",
          p.identities(),
          p.stepMs(),
          p.ingestImagesPerSecond(),
          p.replaysPerSecond(),
          p.stateBytes() / MIB,
          p.bytesPerIdentity(),
          p.checkpointMs(),
          p.checkpointIncrementalBytes() / MIB,
          p.restoreMs(),
          p.startMs(),
          p.heapBytes() / MIB,
          p.rssBytes() / MIB);
    }
    out.println(
        "state: the last checkpoint's full size; B/identity: the identity loader's state per identity"
            + " seen; ckpt, ckpt+: median duration and incremental size; restore, start: a new local"
            + " cluster's job running from the last checkpoint, and without state; heap, RSS: the highest");
  }

  /** Step time at the largest N over the step time at the smallest. */
  public static double stepRatio(List<IdentityScaleBenchmark.Point> points) {
    var smallest = points.stream().min((a, b) -> Integer.compare(a.identities(), b.identities()));
    var largest = points.stream().max((a, b) -> Integer.compare(a.identities(), b.identities()));
    return largest.orElseThrow().stepMs() / smallest.orElseThrow().stepMs();
  }

  public static JsonObject json(List<IdentityScaleBenchmark.Point> points, String setup) {
    JsonObject json = new JsonObject();
    json.addProperty("bench", "identities");
    json.addProperty("setup", setup);
    JsonObject stepMs = new JsonObject();
    JsonArray cases = new JsonArray();
    for (IdentityScaleBenchmark.Point p : points) {
      stepMs.add(String.valueOf(p.identities()), JsonOutput.number(p.stepMs(), 2));
      JsonObject c = new JsonObject();
      c.addProperty("identities", p.identities());
      c.addProperty("identities_seen", p.identitiesSeen());
      c.add("step_ms", JsonOutput.number(p.stepMs(), 2));
      c.add("ingest_images_per_s", JsonOutput.number(p.ingestImagesPerSecond(), 1));
      c.add("replays_per_s", JsonOutput.number(p.replaysPerSecond(), 2));
      c.addProperty("samples_dropped", p.samplesDropped());
      c.addProperty("state_bytes", p.stateBytes());
      c.addProperty("loader_state_bytes", p.loaderStateBytes());
      c.add("bytes_per_identity", JsonOutput.number(p.bytesPerIdentity(), 1));
      c.add("checkpoint_ms", JsonOutput.number(p.checkpointMs(), 0));
      c.addProperty("checkpoint_incremental_bytes", p.checkpointIncrementalBytes());
      c.add("restore_ms", JsonOutput.number(p.restoreMs(), 0));
      c.add("start_ms", JsonOutput.number(p.startMs(), 0));
      c.addProperty("heap_bytes", p.heapBytes());
      c.addProperty("rss_bytes", p.rssBytes());
      cases.add(c);
    }
    json.add("step_ms", stepMs);
    json.add("step_ratio", JsonOutput.number(stepRatio(points), 3));
    json.add("cases", cases);
    return json;
  }

  /**
   * Six small charts against N (log scale): step, ingest, state per identity, checkpoint, restore,
   * memory.
   */
  public static void plot(List<IdentityScaleBenchmark.Point> points, Path file) throws IOException {
    List<XYChart> charts =
        List.of(
            chart(points, "Trainer step", "ms per step", IdentityScaleBenchmark.Point::stepMs),
            chart(
                points, "Ingest", "images/s", IdentityScaleBenchmark.Point::ingestImagesPerSecond),
            chart(
                points,
                "Loader state",
                "bytes per identity",
                IdentityScaleBenchmark.Point::bytesPerIdentity),
            chart(points, "Checkpoint", "ms (median)", IdentityScaleBenchmark.Point::checkpointMs),
            chart(points, "Restore", "ms to running", IdentityScaleBenchmark.Point::restoreMs),
            chart(points, "Process memory", "RSS MiB", p -> p.rssBytes() / MIB));
    ChartImages.write(charts, 3, file);
  }

  private static XYChart chart(
      List<IdentityScaleBenchmark.Point> points,
      String title,
      String yTitle,
      ToDoubleFunction<IdentityScaleBenchmark.Point> y) {
    XYChart chart =
        new XYChartBuilder()
            .width(420)
            .height(320)
            .title(title)
            .xAxisTitle("identities N")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendVisible(false);
    // From zero, so that a flat figure looks flat.
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisDecimalPattern("#,##0.#");
    double[] xs = points.stream().mapToDouble(IdentityScaleBenchmark.Point::identities).toArray();
    double[] ys = points.stream().mapToDouble(y).toArray();
    chart.addSeries(title, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    return chart;
  }
}
