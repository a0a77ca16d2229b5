package io.f2c.synthetic;

import io.f2c.schema.ImageFormat;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Seeded synthetic "faces" so the demo and the default tests run on a machine without face data.
 * Each identity has fixed traits (face shape, skin and hair tone, eye spacing and size, brows,
 * nose, mouth, a few marks); each image of it varies pose and capture (shift, scale, small
 * rotation, lighting gain and gradient, noise). Same seed, same images, byte for byte.
 */
public final class SyntheticFaces {
  private final long seed;
  private final int size;

  public SyntheticFaces(long seed, int size) {
    this.seed = seed;
    this.size = size;
  }

  public static String identityId(int identity) {
    return String.format("syn-%05d", identity);
  }

  public static String imageId(int identity, int image) {
    return identityId(identity) + "/" + image;
  }

  /** Renders image {@code image} of identity {@code identity} (any non-negative indices). */
  public BufferedImage render(int identity, int image) {
    Traits t = new Traits(new SplittableRandom(mix(seed, identity, -1)));
    SplittableRandom v = new SplittableRandom(mix(seed, identity, image));
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(t.background, t.background, t.background));
    g.fillRect(0, 0, size, size);

    // Pose: shift, scale and in-plane rotation around the image centre.
    double s = size / 100.0;
    AffineTransform pose = new AffineTransform();
    pose.translate(size / 2.0 + gauss(v, 0.04 * size), size / 2.0 + gauss(v, 0.04 * size));
    pose.rotate(Math.toRadians(gauss(v, 5)));
    double zoom = 1 + gauss(v, 0.05);
    pose.scale(s * zoom, s * zoom);
    g.setTransform(pose);

    g.setColor(t.hair);
    g.fill(
        new Ellipse2D.Double(
            -t.faceW / 2 - 4, -t.faceH / 2 - t.hairHeight, t.faceW + 8, t.faceH * 0.7));
    g.setColor(t.skin);
    g.fill(new Ellipse2D.Double(-t.faceW / 2, -t.faceH / 2, t.faceW, t.faceH));
    for (double[] mark : t.marks) {
      g.setColor(new Color((int) mark[3], (int) mark[3], (int) mark[3], 150));
      g.fill(new Ellipse2D.Double(mark[0] - mark[2] / 2, mark[1] - mark[2] / 2, mark[2], mark[2]));
    }
    double expression = gauss(v, 0.15);
    for (int side = -1; side <= 1; side += 2) {
      double ex = side * t.eyeSpacing / 2;
      g.setColor(Color.WHITE);
      g.fill(new Ellipse2D.Double(ex - t.eyeW / 2, t.eyeY - t.eyeH / 2, t.eyeW, t.eyeH));
      g.setColor(t.iris);
      double gaze = gauss(v, 0.6);
      g.fill(new Ellipse2D.Double(ex - t.eyeH / 2 + gaze, t.eyeY - t.eyeH / 2, t.eyeH, t.eyeH));
      g.setColor(t.hair.darker());
      g.setStroke(new BasicStroke((float) t.browThickness));
      g.draw(
          new Line2D.Double(
              ex - t.eyeW / 2,
              t.eyeY - t.browGap + side * t.browTilt,
              ex + t.eyeW / 2,
              t.eyeY - t.browGap - side * t.browTilt));
    }
    g.setColor(t.skin.darker());
    g.setStroke(new BasicStroke(2f));
    g.draw(new Line2D.Double(0, t.eyeY + 2, t.noseDx, t.eyeY + t.noseLength));
    g.draw(new Line2D.Double(t.noseDx, t.eyeY + t.noseLength, t.noseDx - 4, t.eyeY + t.noseLength));
    g.setColor(t.lips);
    g.setStroke(new BasicStroke((float) t.lipThickness));
    double curve = t.mouthCurve + expression * 10;
    g.draw(
        new Arc2D.Double(
            -t.mouthW / 2,
            t.mouthY - Math.abs(curve),
            t.mouthW,
            2 * Math.abs(curve) + 1,
            curve >= 0 ? 200 : 20,
            140,
            Arc2D.OPEN));
    g.dispose();

    applyLightingAndNoise(img, v);
    return img;
  }

  /** Encodes a rendered image as PNG or JPEG (quality 0.9). */
  public static byte[] encode(BufferedImage image, ImageFormat format) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      if (format == ImageFormat.PNG) {
        ImageIO.write(image, "png", out);
      } else if (format == ImageFormat.JPEG) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
          writer.setOutput(ios);
          writer.write(null, new IIOImage(image, null, null), param);
        } finally {
          writer.dispose();
        }
      } else {
        throw new IllegalArgumentException(
            "synthetic faces are encoded as PNG or JPEG, not " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] encoded(int identity, int image, ImageFormat format) {
    return encode(render(identity, image), format);
  }

  /**
   * Writes identities {@code 0..identities-1}, {@code imagesEach} JPEG images each, as {@code
   * dir/<id>/<id>_NNNN.jpg} (numbered from 1, as LFW's files): a folder any {@code --images}
   * command reads. Returns the identities' names in order.
   */
  public List<String> writeFolder(Path dir, int identities, int imagesEach) throws IOException {
    List<String> names = new ArrayList<>(identities);
    for (int id = 0; id < identities; id++) {
      String name = identityId(id);
      names.add(name);
      Path folder = Files.createDirectories(dir.resolve(name));
      for (int img = 0; img < imagesEach; img++) {
        Files.write(
            folder.resolve(String.format(Locale.ROOT, "%s_%04d.jpg", name, img + 1)),
            encoded(id, img, ImageFormat.JPEG));
      }
    }
    return names;
  }

  private void applyLightingAndNoise(BufferedImage img, SplittableRandom v) {
    double gain = 1 + gauss(v, 0.15);
    double bias = gauss(v, 12);
    double angle = v.nextDouble() * 2 * Math.PI;
    double gradient = Math.abs(gauss(v, 0.25)) / size;
    double gx = Math.cos(angle) * gradient;
    double gy = Math.sin(angle) * gradient;
    double noise = 4 + 4 * v.nextDouble();
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = img.getRGB(x, y);
        double light = gain * (1 + gx * (x - size / 2.0) + gy * (y - size / 2.0));
        int r = clamp(((rgb >> 16) & 0xff) * light + bias + gauss(v, noise));
        int gr = clamp(((rgb >> 8) & 0xff) * light + bias + gauss(v, noise));
        int b = clamp((rgb & 0xff) * light + bias + gauss(v, noise));
        img.setRGB(x, y, (r << 16) | (gr << 8) | b);
      }
    }
  }

  private static int clamp(double value) {
    return (int) Math.max(0, Math.min(255, Math.round(value)));
  }

  private static double gauss(SplittableRandom random, double sigma) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long seed, int identity, int image) {
    long h =
        seed * 0x9E3779B97F4A7C15L + identity * 0xC2B2AE3D27D4EB4FL + image * 0x165667B19E3779F9L;
    h ^= h >>> 31;
    return h * 0xBF58476D1CE4E5B9L;
  }

  /** The fixed traits of one identity, in face coordinates (the face spans about -40..40). */
  private static final class Traits {
    final int background;
    final Color skin;
    final Color hair;
    final Color iris;
    final Color lips;
    final double faceW;
    final double faceH;
    final double hairHeight;
    final double eyeSpacing;
    final double eyeY;
    final double eyeW;
    final double eyeH;
    final double browGap;
    final double browTilt;
    final double browThickness;
    final double noseLength;
    final double noseDx;
    final double mouthW;
    final double mouthY;
    final double mouthCurve;
    final double lipThickness;
    final double[][] marks;

    Traits(SplittableRandom r) {
      background = 40 + r.nextInt(170);
      int tone = 90 + r.nextInt(150);
      skin = new Color(Math.min(255, tone + 25), tone, Math.max(0, tone - 30 - r.nextInt(30)));
      int h = r.nextInt(120);
      hair = new Color(h + r.nextInt(60), h / 2 + r.nextInt(40), h / 3);
      iris = new Color(r.nextInt(120), 40 + r.nextInt(120), r.nextInt(160));
      lips = new Color(120 + r.nextInt(100), 40 + r.nextInt(60), 50 + r.nextInt(60));
      faceW = 52 + r.nextDouble() * 22;
      faceH = 66 + r.nextDouble() * 22;
      hairHeight = 2 + r.nextDouble() * 12;
      eyeSpacing = 18 + r.nextDouble() * 14;
      eyeY = -12 + r.nextDouble() * 10;
      eyeW = 7 + r.nextDouble() * 7;
      eyeH = 3 + r.nextDouble() * 4;
      browGap = 5 + r.nextDouble() * 5;
      browTilt = -2 + r.nextDouble() * 4;
      browThickness = 1 + r.nextDouble() * 3;
      noseLength = 10 + r.nextDouble() * 12;
      noseDx = -3 + r.nextDouble() * 6;
      mouthW = 12 + r.nextDouble() * 18;
      mouthY = 18 + r.nextDouble() * 10;
      mouthCurve = -4 + r.nextDouble() * 8;
      lipThickness = 1.5 + r.nextDouble() * 3;
      marks = new double[r.nextInt(4)][];
      for (int i = 0; i < marks.length; i++) {
        marks[i] =
            new double[] {
              -25 + r.nextDouble() * 50,
              -25 + r.nextDouble() * 50,
              3 + r.nextDouble() * 8,
              r.nextInt(200)
            };
      }
    }
  }
}
