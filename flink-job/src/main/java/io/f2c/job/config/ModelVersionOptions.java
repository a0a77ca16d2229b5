package io.f2c.job.config;

/**
 * The job's options about what each model version carries and where a new job's model starts: the
 * ONNX copy, the threshold chosen on held-out identities, the model to warm-start from. Declared
 * here, beside {@link F2cOptions}, which lists them with its own ({@link F2cOptions#all}).
 */
public final class ModelVersionOptions {
  public static final Option<String> ONNX_TOPIC =
      OptionParsers.string(
          "onnx-topic",
          "face-models-onnx",
          "NAME",
          "Topic of each published version as an ONNX model (ModelUpdate chunks, format onnx), "
              + "for ONNX Runtime clients; written in the same transaction as the models topic.");
  public static final Option<Boolean> PUBLISH_ONNX =
      new Option<>(
          "publish-onnx",
          true,
          "true|false",
          "Publish each version as ONNX on --onnx-topic too.",
          OptionParsers::parseBoolean);
  public static final Option<String> INIT_MODEL =
      OptionParsers.string(
          "init-model",
          "none",
          "none|latest|FILE",
          "A job without saved state starts its networks from this published model: a file saved "
              + "by subscribe --save, or the latest version on --models-topic. What it cannot "
              + "carry (another backbone, embedding size or input; the pool, momentum) starts fresh.");
  public static final Option<Double> HELD_OUT_SHARE =
      new Option<>(
          "held-out-share",
          0.02,
          "F",
          "Share of identities (chosen by a hash of the id) kept out of training; each version's "
              + "verification threshold is chosen on their faces. 0: none, versions carry no threshold.",
          OptionParsers::parseShare);
  public static final Option<Integer> HELD_OUT_FACES =
      OptionParsers.positiveInt(
          "held-out-faces",
          128,
          "N",
          "Faces of held-out identities kept for choosing thresholds (4 per identity at most).");

  public static final Option<Double> WATCH_SHARE =
      new Option<>(
          "watch-share",
          0.02,
          "F",
          "Share of the trained identities (by a hash of the id) whose first two faces are kept to "
              + "score each version on its first and latest cohorts of arrivals (forgetting, freshness). 0: none.",
          OptionParsers::parseShare);
  public static final Option<Integer> WATCH_COHORT =
      OptionParsers.positiveInt(
          "watch-cohort", 16, "N", "Watched identities (with two faces) per cohort.");

  private ModelVersionOptions() {}
}
