package io.f2c.subscribing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Model versions on disk: {@code DIR/<model>-v<version>.f2cm} holds the model blob, written
 * atomically.
 */
public final class ModelFiles {
  private ModelFiles() {}

  public static Path fileOf(Path dir, String modelName, long version) {
    return dir.resolve(modelName + "-v" + version + ".f2cm");
  }

  /**
   * Writes the version's blob; a reader never sees a partly written file (write to a temporary,
   * then move).
   */
  public static Path save(Path dir, ModelSubscriber.ModelVersion model) throws IOException {
    Files.createDirectories(dir);
    Path target = fileOf(dir, model.modelName(), model.version());
    Path tmp = Files.createTempFile(dir, ".partial-", ".f2cm");
    try {
      Files.write(tmp, model.blob());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }
}
