package io.f2c.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Each phase's held-out accuracy over the versions, against the images the stream had sent when
 * each version arrived, as a PNG. Every phase has a point at every version: before a phase's first
 * image (named in the legend) its accuracy is what the model learned from the others.
 */
public final class ContinualPlot {
  private ContinualPlot() {}

  public static void write(ContinualMatrix matrix, String title, Path file) throws IOException {
    List<ContinualMatrix.StreamPoint> arrivals = matrix.arrivals();
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(480)
            .title(title)
            .xAxisTitle("images sent")
            .yAxisTitle("held-out pair accuracy")
            .build();
    chart.getStyler().setYAxisMin(0.4);
    chart.getStyler().setYAxisMax(1.0);
    double[] x = arrivals.stream().mapToDouble(ContinualMatrix.StreamPoint::images).toArray();
    for (int p = 0; p < matrix.phases(); p++) {
      double[] y = new double[arrivals.size()];
      for (int v = 0; v < y.length; v++) {
        y[v] = matrix.accuracy(v, p);
      }
      String name =
          String.format(
              Locale.ROOT,
              "phase %d (from %,d images)",
              p + 1,
              matrix.phaseStarts().get(p).images());
      chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    BitmapEncoder.saveBitmap(
        chart, file.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
  }
}
