package io.f2c.recognition;

import io.f2c.schema.TrainingMetrics;
import io.f2c.subscribing.ModelFiles;
import io.f2c.subscribing.ModelSubscriber.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One model version a {@link Recognizer} can install: the model blob (an {@code .f2cm} file's
 * bytes) and what the publisher said about it.
 *
 * @param trainingStep -1 when unknown (a model file)
 * @param verificationThreshold the cosine the publisher chose as "same person"; null when it chose
 *     none (older publishers, model files saved without one)
 * @param metrics training metrics of the version; null for a model file
 * @param lagMs from the version's creation to its arrival here; -1 for a model file
 * @param origin where it came from, for people ("topic face-models", "file m.f2cm")
 */
public record ModelRelease(
    String modelName,
    long version,
    long trainingStep,
    Instant createdAt,
    byte[] blob,
    Float verificationThreshold,
    TrainingMetrics metrics,
    String sha256,
    long lagMs,
    String origin) {

  /** {@code <model>-v<version>.f2cm}, as {@code f2c subscribe --save} names files. */
  private static final Pattern SAVED_NAME = Pattern.compile("(.+)-v(\\d+)\\.f2cm");

  /** A version as the models topic delivered it. */
  public static ModelRelease of(ModelVersion v, String topic) {
    return new ModelRelease(
        v.modelName(),
        v.version(),
        v.trainingStep(),
        v.createdAt(),
        v.blob(),
        v.verificationThreshold(),
        v.metrics(),
        v.sha256(),
        v.lagMs(),
        "topic " + topic);
  }

  /**
   * A model file. Its name gives model name and version where it follows {@code
   * <model>-v<version>.f2cm}; otherwise the model is named after the file, version 0. The
   * verification threshold comes from the properties saved beside it ({@link ModelFiles}), if any.
   *
   * @throws IllegalArgumentException when the file does not exist
   */
  public static ModelRelease ofFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "model file " + file + " does not exist (write one with f2c subscribe --save DIR)");
    }
    byte[] blob = Files.readAllBytes(file);
    String name = file.getFileName().toString();
    Matcher saved = SAVED_NAME.matcher(name);
    boolean named = saved.matches();
    return new ModelRelease(
        named ? saved.group(1) : name.replaceAll("\\.f2cm$", ""),
        named ? Long.parseLong(saved.group(2)) : 0,
        -1,
        Files.getLastModifiedTime(file).toInstant(),
        blob,
        ModelFiles.threshold(file).orElse(null),
        null,
        sha256(blob),
        -1,
        "file " + file);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return modelName + " v" + version + " (" + origin + ")";
  }
}
