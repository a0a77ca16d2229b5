package io.f2c.training;

import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines a trainer, built and validated by {@link #builder()}. Two trainers with
 * equal configs start from identical states. A snapshot records the {@linkplain #structure()
 * structural} settings (those that fix the shape of the state) and restores into any trainer that
 * agrees on them; the others (optimizer, schedule, seed, threads) may change between runs.
 *
 * @param backbone the probe and gallery network architecture
 * @param embeddingDim D, the embedding dimension
 * @param input how images become network inputs
 * @param head DCP (F2C's Dynamic Class Pool) or FC (the full classifier baseline)
 * @param poolSize Q, rows of the Dynamic Class Pool
 * @param fcClasses N, classes of the FC baseline
 * @param margin CosFace or ArcFace; {@code marginValue} is m, {@code scale} is s
 * @param emaMomentum the gallery net's moving-average momentum (G = m G + (1 - m) P)
 * @param schedule learning rate as a function of the step
 * @param sgdMomentum SGD momentum
 * @param weightDecay L2 weight decay added to the gradients
 * @param nesterov Nesterov momentum
 * @param seed seed of the initial weights and the pool's initial rows
 * @param device where the trainer's tensors live
 * @param horizontalFlip mirror each training image with probability 1/2 (decided by seed, step and
 *     position, so a restored trainer flips as the one it continues)
 * @param shiftPixels N of the translation jitter: each training image moves by up to N pixels each
 *     way (0: none; decided like the flip, see RandomShift)
 * @param torchThreads PyTorch intra-op threads (set explicitly: the default oversubscribes inside
 *     Flink)
 * @param testTimeFlip what published models tell their users: embed an image as the normalised sum
 *     of the embeddings of the image and of its mirror (not structural: it changes no state)
 */
public record TrainerConfig(
    Backbone backbone,
    int embeddingDim,
    PreprocessSpec input,
    Head head,
    int poolSize,
    int fcClasses,
    F2cLoss.Margin margin,
    float scale,
    float marginValue,
    float emaMomentum,
    LearningRateSchedule schedule,
    float sgdMomentum,
    float weightDecay,
    boolean nesterov,
    long seed,
    TrainingDevice device,
    int torchThreads,
    boolean horizontalFlip,
    int shiftPixels,
    boolean testTimeFlip)
    implements Serializable {

  /** The defaults of every trainer setting (what {@link #builder()} starts from). */
  public static final TrainerConfig DEFAULTS = builder().build();

  /** The classification head. */
  public enum Head {
    DCP,
    FC
  }

  /** Use {@link #builder()}; the canonical constructor validates like {@link Builder#build()}. */
  public TrainerConfig {
    Objects.requireNonNull(backbone, "backbone");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(margin, "margin");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(device, "device");
    List<String> wrong = new ArrayList<>();
    check(wrong, embeddingDim > 0, "embedding dim must be positive, was " + embeddingDim);
    check(wrong, poolSize > 0, "pool size must be positive, was " + poolSize);
    check(wrong, fcClasses > 0, "FC classes must be positive, was " + fcClasses);
    check(wrong, torchThreads > 0, "torch threads must be positive, was " + torchThreads);
    check(wrong, scale > 0, "scale must be positive, was " + scale);
    check(wrong, marginValue >= 0, "margin must be >= 0, was " + marginValue);
    check(
        wrong,
        emaMomentum >= 0 && emaMomentum < 1,
        "EMA momentum must be in [0, 1), was " + emaMomentum);
    check(
        wrong,
        sgdMomentum >= 0 && sgdMomentum < 1,
        "SGD momentum must be in [0, 1), was " + sgdMomentum);
    check(wrong, weightDecay >= 0, "weight decay must be >= 0, was " + weightDecay);
    check(
        wrong,
        shiftPixels >= 0 && shiftPixels < input.size() / 2,
        "shift must be in [0, " + input.size() / 2 + ") pixels, was " + shiftPixels);
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException("invalid trainer config: " + String.join("; ", wrong));
    }
    backbone.create(1, input.size()); // validates the input size for the architecture early
  }

  private static void check(List<String> wrong, boolean ok, String message) {
    if (!ok) {
      wrong.add(message);
    }
  }

  /** A builder with the authors' settings: see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The settings that fix the shape of the trainer's state, by option name: a snapshot restores
   * only into a trainer whose structure equals the snapshot's.
   */
  public Map<String, String> structure() {
    Map<String, String> structure = new LinkedHashMap<>();
    structure.put("backbone", backbone.id());
    structure.put("embedding-dim", Integer.toString(embeddingDim));
    structure.put("input", input.toString());
    structure.put("head", head.name().toLowerCase(Locale.ROOT));
    structure.put("pool-size", Integer.toString(poolSize));
    structure.put("fc-classes", Integer.toString(fcClasses));
    return structure;
  }

  /**
   * Builds a {@link TrainerConfig}. Its initial values are the project's defaults, the one home of
   * the trainer's defaults ({@link #DEFAULTS}; the job's options take theirs from it): small-cnn, D
   * = 512, 112 px RGB, DCP with 1,000 rows, CosFace s = 16 m = 0.25, EMA 0.99, SGD lr 0.05 after
   * 100 warm-up steps, momentum 0.9 Nesterov, weight decay 5e-4, seed 42, CPU with 2 threads,
   * flips.
   */
  public static final class Builder {
    private Backbone backbone = Backbone.SMALL_CNN;
    private int embeddingDim = 512;
    private PreprocessSpec input = PreprocessSpec.of(112, 3, 1.0);
    private Head head = Head.DCP;
    private int poolSize = 1_000;
    private int fcClasses = 10_000;
    private F2cLoss.Margin margin = F2cLoss.Margin.COSFACE;
    private float scale = 16f;
    private float marginValue = 0.25f;
    private float emaMomentum = 0.99f;
    private LearningRateSchedule schedule = LearningRateSchedule.step(0.05f, 100, new int[0], 0.1f);
    private float sgdMomentum = 0.9f;
    private float weightDecay = 5e-4f;
    private boolean nesterov = true;
    private long seed = 42L;
    private TrainingDevice device = TrainingDevice.CPU;
    private int torchThreads = 2;
    private boolean horizontalFlip = true;
    private int shiftPixels;
    private boolean testTimeFlip = true;

    private Builder() {}

    private Builder(TrainerConfig c) {
      backbone = c.backbone;
      embeddingDim = c.embeddingDim;
      input = c.input;
      head = c.head;
      poolSize = c.poolSize;
      fcClasses = c.fcClasses;
      margin = c.margin;
      scale = c.scale;
      marginValue = c.marginValue;
      emaMomentum = c.emaMomentum;
      schedule = c.schedule;
      sgdMomentum = c.sgdMomentum;
      weightDecay = c.weightDecay;
      nesterov = c.nesterov;
      seed = c.seed;
      device = c.device;
      torchThreads = c.torchThreads;
      horizontalFlip = c.horizontalFlip;
      shiftPixels = c.shiftPixels;
      testTimeFlip = c.testTimeFlip;
    }

    /** Backbone, embedding dimension and input preprocessing. */
    public Builder network(Backbone value, int dim, PreprocessSpec spec) {
      backbone = value;
      embeddingDim = dim;
      input = spec;
      return this;
    }

    /** The head, with the pool rows (DCP) and classes (FC). */
    public Builder head(Head value, int pool, int classes) {
      head = value;
      poolSize = pool;
      fcClasses = classes;
      return this;
    }

    /** Margin type, scale s and margin m. */
    public Builder margin(F2cLoss.Margin type, float s, float m) {
      margin = type;
      scale = s;
      marginValue = m;
      return this;
    }

    public Builder emaMomentum(float value) {
      emaMomentum = value;
      return this;
    }

    public Builder schedule(LearningRateSchedule value) {
      schedule = value;
      return this;
    }

    /** SGD momentum, weight decay and whether the momentum is Nesterov's. */
    public Builder sgd(float momentum, float decay, boolean useNesterov) {
      sgdMomentum = momentum;
      weightDecay = decay;
      nesterov = useNesterov;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder device(TrainingDevice value) {
      device = value;
      return this;
    }

    /** Mirror each training image with probability 1/2, as the authors do (see HorizontalFlip). */
    public Builder horizontalFlip(boolean value) {
      horizontalFlip = value;
      return this;
    }

    /** Move each training image by up to {@code pixels} each way (see RandomShift); 0: none. */
    public Builder shiftPixels(int pixels) {
      shiftPixels = pixels;
      return this;
    }

    /** Whether published models are to be used with flip test-time augmentation. */
    public Builder testTimeFlip(boolean value) {
      testTimeFlip = value;
      return this;
    }

    public Builder torchThreads(int value) {
      torchThreads = value;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException listing every setting that is out of range
     */
    public TrainerConfig build() {
      return new TrainerConfig(
          backbone,
          embeddingDim,
          input,
          head,
          poolSize,
          fcClasses,
          margin,
          scale,
          marginValue,
          emaMomentum,
          schedule,
          sgdMomentum,
          weightDecay,
          nesterov,
          seed,
          device,
          torchThreads,
          horizontalFlip,
          shiftPixels,
          testTimeFlip);
    }
  }
}
