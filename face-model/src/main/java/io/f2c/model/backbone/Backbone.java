package io.f2c.model.backbone;

import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The face-embedding backbones, by the name that flags, model files and {@code
 * ModelUpdate.architecture} use. Each maps [B, C, S, S] images to L2-normalised [B, D] embeddings.
 */
public enum Backbone {
  /**
   * MobileFaceNet (Chen et al. 2018), for real use at 112x112; the input size must be divisible by
   * 16.
   */
  MOBILEFACENET("mobilefacenet"),
  /**
   * Four conv-BN-PReLU stages and a global depthwise convolution: fast enough for tests and CPU
   * demos.
   */
  SMALL_CNN("small-cnn"),
  /**
   * small-cnn with a 256-channel last stage and a second convolution in each of its last two
   * stages: more capacity on CPU at about 1.5 times small-cnn's step time.
   */
  MEDIUM_CNN("medium-cnn");

  /**
   * The name of the LambdaBlock that ends every backbone by L2-normalising each row, x / max(|x|,
   * 1e-12) (exporters translate it by this name).
   */
  public static final String L2_NORMALIZE_BLOCK = "l2norm";

  /** The epsilon of that normalisation. */
  public static final float L2_NORMALIZE_EPSILON = 1e-12f;

  private final String id;

  Backbone(String id) {
    this.id = id;
  }

  /** The name used on the command line, in model files and on the wire. */
  public String id() {
    return id;
  }

  /** A fresh, uninitialised network of this architecture. */
  public Block create(int embeddingDim, int inputSize) {
    return switch (this) {
      case MOBILEFACENET -> MobileFaceNet.create(embeddingDim, inputSize);
      case SMALL_CNN -> Backbones.smallCnn(embeddingDim, inputSize);
      case MEDIUM_CNN -> Backbones.mediumCnn(embeddingDim, inputSize);
    };
  }

  /**
   * The backbone called {@code id}.
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static Backbone of(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(b -> b.id.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown backbone '" + id + "'; choose one of " + choices()));
  }

  /** "mobilefacenet, small-cnn, medium-cnn". */
  public static String choices() {
    return Arrays.stream(values()).map(Backbone::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
