package io.f2c.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** ROC curves (TAR against FAR, FAR on a log scale) as a PNG. */
public final class RocPlot {
  private RocPlot() {}

  /** One curve per entry (name with its AUC in the legend). */
  public static void write(Map<String, PairVerification.Roc> curves, Path file) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(640)
            .height(480)
            .title("ROC, LFW-protocol pairs")
            .xAxisTitle("false accept rate")
            .yAxisTitle("true accept rate")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    curves.forEach(
        (name, roc) -> {
          // A log axis cannot show FAR = 0: start at the first positive FAR.
          int first = 0;
          while (first < roc.far().length && roc.far()[first] <= 0) {
            first++;
          }
          if (first >= roc.far().length) {
            return;
          }
          double[] far = Arrays.copyOfRange(roc.far(), first, roc.far().length);
          double[] tar = Arrays.copyOfRange(roc.tar(), first, roc.tar().length);
          chart
              .addSeries(String.format(Locale.ROOT, "%s (AUC %.3f)", name, roc.auc()), far, tar)
              .setMarker(SeriesMarkers.NONE);
        });
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    BitmapEncoder.saveBitmap(
        chart, file.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
  }
}
