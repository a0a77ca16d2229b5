package io.f2c.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Each phase's held-out accuracy over the versions, against the images the stream had sent when
 * each version arrived, as a PNG; a phase's curve starts at the first version after its first
 * image.
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
    for (int p = 0; p < matrix.phases(); p++) {
      long start = matrix.phaseStarts().get(p).images();
      int first = 0;
      while (first < arrivals.size() && arrivals.get(first).images() < start) {
        first++;
      }
      int n = arrivals.size() - first;
      if (n == 0) {
        continue;
      }
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = arrivals.get(first + i).images();
        y[i] = matrix.accuracy(first + i, p);
      }
      chart.addSeries("phase " + (p + 1), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    BitmapEncoder.saveBitmap(
        chart, file.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
  }
}
