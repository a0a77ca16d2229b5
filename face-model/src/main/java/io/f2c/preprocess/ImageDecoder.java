package io.f2c.preprocess;

import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG and binary PGM (P5) bytes into the float tensor described by a {@link
 * PreprocessSpec}.
 *
 * <p>The image header is read first and images declaring more than {@code maxPixels} pixels are
 * refused before any pixel is decoded, so a small file cannot make the job allocate gigabytes
 * (decompression bomb).
 */
public final class ImageDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final PreprocessSpec spec;
  private final long maxPixels;
  private final int maxBytes;

  public ImageDecoder(PreprocessSpec spec, long maxPixels, int maxBytes) {
    this.spec = spec;
    this.maxPixels = maxPixels;
    this.maxBytes = maxBytes;
  }

  /** The format implied by a file name, or null when it is not an image we read. */
  public static ImageFormat formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return ImageFormat.JPEG;
    }
    if (name.endsWith(".png")) {
      return ImageFormat.PNG;
    }
    if (name.endsWith(".pgm")) {
      return ImageFormat.PGM;
    }
    return null;
  }

  public PreprocessSpec spec() {
    return spec;
  }

  /**
   * Crop, resize and normalisation in floats, without the 8-bit step the job keeps images in: the
   * resampling geometry exactly (its tests use it). Training, subscribers and evaluation use {@link
   * #networkInput}.
   */
  public float[] decode(byte[] bytes, ImageFormat format) throws ImageRejectedException {
    return preprocess(readPixels(bytes, format));
  }

  /**
   * Reads the pixels as an interleaved 0..255 raster in RGB (grey images are replicated to three
   * channels).
   */
  public Pixels readPixels(byte[] bytes, ImageFormat format) throws ImageRejectedException {
    if (bytes == null || bytes.length == 0) {
      throw new ImageRejectedException(RejectReason.MISSING_FIELD, "image bytes are empty");
    }
    if (bytes.length > maxBytes) {
      throw new ImageRejectedException(
          RejectReason.IMAGE_TOO_LARGE,
          "encoded image is " + bytes.length + " bytes, over the limit of " + maxBytes);
    }
    if (format == null) {
      throw new ImageRejectedException(RejectReason.MISSING_FIELD, "image format is missing");
    }
    return switch (format) {
      case PGM -> readPgm(bytes);
      case PNG, JPEG -> readWithImageIo(bytes, format);
    };
  }

  /**
   * Decodes and preprocesses one image into CHW 8-bit values (crop and resize done, normalisation
   * not yet): the compact form the streaming job moves between operators and keeps in state; {@link
   * PreprocessSpec#normalize} turns it into the network input.
   */
  public byte[] decodeToBytes(byte[] bytes, ImageFormat format) throws ImageRejectedException {
    return toBytes(readPixels(bytes, format));
  }

  /** {@link #decodeToBytes} of pixels already read (and perhaps cropped to a face box). */
  public byte[] toBytes(Pixels pixels) {
    byte[] out = new byte[spec.tensorLength()];
    resample(pixels, (i, v) -> out[i] = (byte) Math.max(0, Math.min(255, Math.round(v))));
    return out;
  }

  /**
   * The network input exactly as training builds it: {@link #decodeToBytes} (what the job keeps),
   * then {@link PreprocessSpec#normalize}; written into {@code out} from {@code offset}.
   * Subscribers and evaluation use this.
   */
  public void networkInput(byte[] bytes, ImageFormat format, float[] out, int offset)
      throws ImageRejectedException {
    spec.normalize(decodeToBytes(bytes, format), out, offset);
  }

  /** {@link #networkInput(byte[], ImageFormat, float[], int)} into a new array. */
  public float[] networkInput(byte[] bytes, ImageFormat format) throws ImageRejectedException {
    return spec.normalize(decodeToBytes(bytes, format));
  }

  /** Centre crop, bilinear resize and normalisation of decoded pixels. */
  public float[] preprocess(Pixels pixels) {
    float[] out = new float[spec.tensorLength()];
    resample(pixels, (i, v) -> out[i] = normalise(v));
    return out;
  }

  /** Receives output value {@code value} (0..255) for CHW index {@code index}. */
  private interface ValueSink {
    void accept(int index, double value);
  }

  private void resample(Pixels pixels, ValueSink out) {
    int size = spec.size();
    int side =
        Math.max(1, Math.round(Math.min(pixels.width(), pixels.height()) * spec.cropFraction()));
    double x0 = (pixels.width() - side) / 2.0;
    double y0 = (pixels.height() - side) / 2.0;
    double step = side / (double) size;
    int plane = size * size;
    // The bilinear taps depend on the column or the row only: computed once per column and row, not
    // per value.
    Taps columns = Taps.of(x0, step, size, pixels.width());
    Taps rows = Taps.of(y0, step, size, pixels.height());
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int o = y * size + x;
        if (spec.channels() == 1) {
          out.accept(
              o,
              0.299 * pixels.sample(columns, rows, x, y, 0)
                  + 0.587 * pixels.sample(columns, rows, x, y, 1)
                  + 0.114 * pixels.sample(columns, rows, x, y, 2));
        } else {
          for (int c = 0; c < 3; c++) {
            out.accept(c * plane + o, pixels.sample(columns, rows, x, y, c));
          }
        }
      }
    }
  }

  /**
   * Bilinear taps along one axis: for output index i, source indices {@code low[i]}, {@code
   * high[i]} and weight.
   */
  record Taps(int[] low, int[] high, double[] weight) {
    static Taps of(double origin, double step, int size, int extent) {
      int[] low = new int[size];
      int[] high = new int[size];
      double[] weight = new double[size];
      for (int i = 0; i < size; i++) {
        // Sample at the centre of output pixel i, clamped at the borders.
        double at = Math.max(0, Math.min(extent - 1, origin + (i + 0.5) * step - 0.5));
        low[i] = (int) Math.floor(at);
        high[i] = Math.min(extent - 1, low[i] + 1);
        weight[i] = at - low[i];
      }
      return new Taps(low, high, weight);
    }
  }

  private float normalise(double value) {
    return (float) ((value - spec.normMean()) / spec.normScale());
  }

  private void checkPixels(long width, long height) throws ImageRejectedException {
    if (width <= 0 || height <= 0) {
      throw new ImageRejectedException(
          RejectReason.CORRUPT_IMAGE,
          "image header declares an empty image (" + width + "x" + height + ")");
    }
    if (width * height > maxPixels) {
      throw new ImageRejectedException(
          RejectReason.IMAGE_TOO_LARGE,
          "image header declares "
              + width
              + "x"
              + height
              + " = "
              + (width * height)
              + " pixels, over the limit of "
              + maxPixels);
    }
  }

  private Pixels readWithImageIo(byte[] bytes, ImageFormat format) throws ImageRejectedException {
    ImageReader reader = READERS.get()[readerSlot(format)];
    if (reader == null) {
      throw new ImageRejectedException(
          RejectReason.UNSUPPORTED_FORMAT, "no " + format + " reader available");
    }
    // In memory: ImageIO.createImageInputStream would cache the bytes in a temporary file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      checkPixels(reader.getWidth(0), reader.getHeight(0));
      return Pixels.of(reader.read(0));
    } catch (IOException | RuntimeException e) {
      throw new ImageRejectedException(
          RejectReason.CORRUPT_IMAGE,
          "cannot decode "
              + format
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    } finally {
      reader.setInput(null);
    }
  }

  /**
   * One PNG and one JPEG reader per thread (indexed by {@link #readerSlot}), reused from image to
   * image: looking readers up and creating them cost more than decoding a small face. A reader is
   * not thread-safe, hence one per thread; an array of JDK objects, so a pooled thread that
   * outlives a Flink job keeps no class of the job's.
   */
  private static final ThreadLocal<ImageReader[]> READERS =
      ThreadLocal.withInitial(
          () -> {
            ImageReader[] readers = new ImageReader[2];
            String[] names = {"png", "jpeg"};
            for (int i = 0; i < names.length; i++) {
              Iterator<ImageReader> found = ImageIO.getImageReadersByFormatName(names[i]);
              readers[i] = found.hasNext() ? found.next() : null;
            }
            return readers;
          });

  private static int readerSlot(ImageFormat format) {
    return format == ImageFormat.PNG ? 0 : 1;
  }

  /**
   * Binary PGM (P5): header tokens separated by whitespace, '#' comments to end of line, 8- or
   * 16-bit samples.
   */
  private Pixels readPgm(byte[] bytes) throws ImageRejectedException {
    PgmHeader header = PgmHeader.parse(bytes);
    checkPixels(header.width(), header.height());
    int bytesPerSample = header.maxValue() < 256 ? 1 : 2;
    long needed = (long) header.width() * header.height() * bytesPerSample;
    if (header.dataOffset() + needed > bytes.length) {
      throw new ImageRejectedException(
          RejectReason.CORRUPT_IMAGE,
          "PGM data is truncated: header declares "
              + needed
              + " bytes of pixels, file has "
              + (bytes.length - header.dataOffset()));
    }
    int n = header.width() * header.height();
    int[] rgb = new int[n * 3];
    double scale = 255.0 / header.maxValue();
    for (int i = 0; i < n; i++) {
      int p = header.dataOffset() + i * bytesPerSample;
      int v =
          bytesPerSample == 1 ? bytes[p] & 0xff : ((bytes[p] & 0xff) << 8) | (bytes[p + 1] & 0xff);
      int grey = (int) Math.round(Math.min(v, header.maxValue()) * scale);
      rgb[3 * i] = grey;
      rgb[3 * i + 1] = grey;
      rgb[3 * i + 2] = grey;
    }
    return new Pixels(header.width(), header.height(), rgb);
  }

  /** Decoded pixels, interleaved RGB, 0..255. */
  public record Pixels(int width, int height, int[] rgb) {
    static Pixels of(BufferedImage image) {
      int w = image.getWidth();
      int h = image.getHeight();
      if (isPlainRgb(image)) {
        // 8-bit sRGB without alpha (what PNG and JPEG colour images decode to): the raster's bands
        // are R, G, B already, exactly what getRGB would give, without its per-pixel colour-model
        // calls.
        return new Pixels(w, h, image.getRaster().getPixels(0, 0, w, h, (int[]) null));
      }
      int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
      int[] rgb = new int[w * h * 3];
      for (int i = 0; i < argb.length; i++) {
        rgb[3 * i] = (argb[i] >> 16) & 0xff;
        rgb[3 * i + 1] = (argb[i] >> 8) & 0xff;
        rgb[3 * i + 2] = argb[i] & 0xff;
      }
      return new Pixels(w, h, rgb);
    }

    private static boolean isPlainRgb(BufferedImage image) {
      ColorModel model = image.getColorModel();
      return model instanceof ComponentColorModel
          && !model.hasAlpha()
          && model.getNumComponents() == 3
          && model.getColorSpace().isCS_sRGB()
          && image.getRaster().getNumBands() == 3
          && image.getSampleModel().getDataType() == DataBuffer.TYPE_BYTE;
    }

    /**
     * The region of {@code w} x {@code h} pixels at ({@code x}, {@code y}), e.g. a detector's face
     * box.
     *
     * @throws ImageRejectedException when the region is empty or reaches outside the image
     */
    public Pixels crop(int x, int y, int w, int h) throws ImageRejectedException {
      if (w <= 0 || h <= 0 || x < 0 || y < 0 || (long) x + w > width || (long) y + h > height) {
        throw new ImageRejectedException(
            RejectReason.MALFORMED_RECORD,
            String.format(
                "faceBox at %d,%d of %dx%d does not lie inside the %dx%d image",
                x, y, w, h, width, height));
      }
      int[] region = new int[w * h * 3];
      for (int row = 0; row < h; row++) {
        System.arraycopy(rgb, 3 * ((y + row) * width + x), region, 3 * row * w, 3 * w);
      }
      return new Pixels(w, h, region);
    }

    int at(int x, int y, int c) {
      return rgb[3 * (y * width + x) + c];
    }

    /** Bilinear sample for output pixel (x, y) from the taps of its column and row. */
    double sample(Taps columns, Taps rows, int x, int y, int c) {
      int x0 = columns.low()[x];
      int x1 = columns.high()[x];
      int y0 = rows.low()[y];
      int y1 = rows.high()[y];
      double fx = columns.weight()[x];
      double fy = rows.weight()[y];
      double top = at(x0, y0, c) * (1 - fx) + at(x1, y0, c) * fx;
      double bottom = at(x0, y1, c) * (1 - fx) + at(x1, y1, c) * fx;
      return top * (1 - fy) + bottom * fy;
    }
  }
}
