package io.f2c.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.f2c.model.Embedder;
import io.f2c.model.ModelBlob;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.recognition.EncodedImage;
import io.f2c.recognition.ModelRelease;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.TrainingMetrics;
import io.f2c.synthetic.SyntheticFaces;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Small real models and synthetic faces for the face service's tests. */
public final class ServiceFixtures {
  /** 32 px RGB, the whole image. */
  public static final PreprocessSpec SPEC = PreprocessSpec.of(32, 3, 1.0);

  public static final int DIM = 16;

  /** Synthetic faces drawn at 48 px (the models crop and resize them to their own size). */
  public static final SyntheticFaces FACES = new SyntheticFaces(3, 48);

  private ServiceFixtures() {}

  /** A freshly initialised small-cnn at {@code spec}; each seed gives other weights. */
  public static byte[] blob(long seed, PreprocessSpec spec, int dim, boolean testTimeFlip) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed((int) seed);
      Block net = Backbone.SMALL_CNN.create(dim, spec.size());
      net.initialize(
          manager, DataType.FLOAT32, new Shape(2, spec.channels(), spec.size(), spec.size()));
      return ModelBlob.write(Backbone.SMALL_CNN, dim, spec, testTimeFlip, net);
    }
  }

  /** {@link #blob(long, PreprocessSpec, int, boolean)} at 32 px, D = 16, with test-time flips. */
  public static byte[] blob(long seed) {
    return blob(seed, SPEC, DIM, true);
  }

  /** Version {@code version} of model "f2c", as a topic would deliver it. */
  public static ModelRelease release(long version, byte[] blob, Float threshold) {
    return new ModelRelease(
        "f2c",
        version,
        100 * version,
        Instant.now(),
        blob,
        threshold,
        new TrainingMetrics(1.0 / version, 0.5, 1000 * version, 10L),
        sha256(blob),
        0,
        "test");
  }

  /** Image {@code image} of synthetic identity {@code identity}, as PNG. */
  public static byte[] png(int identity, int image) {
    return FACES.encoded(identity, image, ImageFormat.PNG);
  }

  public static EncodedImage face(int identity, int image) {
    return new EncodedImage(png(identity, image), ImageFormat.PNG);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What a version computes, worked out without the service: its own embedder and preprocessing.
   */
  public static final class Offline implements AutoCloseable {
    private final Embedder embedder;
    private final ImageDecoder decoder;

    public Offline(byte[] blob) {
      embedder = Embedder.load(blob);
      decoder = new ImageDecoder(embedder.input(), 1L << 24, 1 << 24);
    }

    public int dim() {
      return embedder.dim();
    }

    /** The embedding of one image (with the mirror where the model says so). */
    public float[] embed(EncodedImage image) {
      try {
        return embedder.embed(decoder.networkInput(image.bytes(), image.format()), 1);
      } catch (ImageRejectedException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The L2-normalised mean of the images' embeddings. */
    public float[] template(List<EncodedImage> images) {
      double[] sum = new double[dim()];
      for (EncodedImage image : images) {
        float[] e = embed(image);
        for (int d = 0; d < sum.length; d++) {
          sum[d] += e[d];
        }
      }
      double norm = 0;
      for (double v : sum) {
        norm += v * v;
      }
      float[] t = new float[sum.length];
      for (int d = 0; d < t.length; d++) {
        t[d] = (float) (sum[d] / Math.sqrt(norm));
      }
      return t;
    }

    public static double cosine(float[] a, float[] b) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int d = 0; d < a.length; d++) {
        dot += (double) a[d] * b[d];
        na += (double) a[d] * a[d];
        nb += (double) b[d] * b[d];
      }
      return dot / Math.sqrt(na * nb);
    }

    @Override
    public void close() {
      embedder.close();
    }
  }
}
