package io.f2c.subscribing;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Model versions on disk: {@code DIR/<model>-v<version>.f2cm} holds the model blob, and {@code
 * DIR/<model>-v<version>.properties} beside it what the version's record said that the blob does
 * not (its verification threshold, step, creation time), both written atomically.
 */
public final class ModelFiles {
  /** The key of the verification threshold in a version's properties. */
  public static final String THRESHOLD = "verificationThreshold";

  private ModelFiles() {}

  public static Path fileOf(Path dir, String modelName, long version) {
    return dir.resolve(modelName + "-v" + version + ".f2cm");
  }

  /** The properties file beside a model file. */
  public static Path propertiesOf(Path modelFile) {
    return modelFile.resolveSibling(
        modelFile.getFileName().toString().replaceAll("\\.f2cm$", "") + ".properties");
  }

  /**
   * Writes the version's blob and its properties; a reader never sees a partly written file (write
   * to a temporary, then move).
   */
  public static Path save(Path dir, ModelSubscriber.ModelVersion model) throws IOException {
    Files.createDirectories(dir);
    Path target = fileOf(dir, model.modelName(), model.version());
    Properties properties = new Properties();
    properties.setProperty("model", model.modelName());
    properties.setProperty("version", Long.toString(model.version()));
    properties.setProperty("trainingStep", Long.toString(model.trainingStep()));
    properties.setProperty("createdAt", model.createdAt().toString());
    properties.setProperty("sha256", model.sha256());
    if (model.verificationThreshold() != null) {
      properties.setProperty(THRESHOLD, Float.toString(model.verificationThreshold()));
    }
    Path tmp = Files.createTempFile(dir, ".partial-", ".properties");
    try {
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        properties.store(out, "what the record of this model version said");
      }
      Files.move(
          tmp,
          propertiesOf(target),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.write(tmp, model.blob());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** The verification threshold saved beside {@code modelFile}, if it was saved with one. */
  public static Optional<Float> threshold(Path modelFile) throws IOException {
    Path file = propertiesOf(modelFile);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    String value = properties.getProperty(THRESHOLD);
    try {
      return value == null ? Optional.empty() : Optional.of(Float.parseFloat(value.trim()));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": " + THRESHOLD + " is not a number: " + value, e);
    }
  }
}
