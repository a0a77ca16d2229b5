package io.f2c.cli.bench;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/** Several charts of one size in one PNG, in rows of {@code columns}. */
final class ChartImages {
  private ChartImages() {}

  static void write(List<XYChart> charts, int columns, Path file) throws IOException {
    List<BufferedImage> images = charts.stream().map(BitmapEncoder::getBufferedImage).toList();
    int width = images.get(0).getWidth();
    int height = images.get(0).getHeight();
    int rows = (images.size() + columns - 1) / columns;
    BufferedImage all =
        new BufferedImage(
            Math.min(columns, images.size()) * width, rows * height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    for (int i = 0; i < images.size(); i++) {
      g.drawImage(images.get(i), (i % columns) * width, (i / columns) * height, null);
    }
    g.dispose();
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    ImageIO.write(all, "png", file.toFile());
  }
}
