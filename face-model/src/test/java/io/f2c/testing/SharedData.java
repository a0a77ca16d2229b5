package io.f2c.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared/data} (real face sets, never copied into the repository). Tests that
 * need it are skipped with a message that says so when it is absent; under CI (environment CI=true)
 * its absence is an error.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    String override = System.getenv("F2C_SHARED_DATA");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    // Tests run in flink-job/; the shared folder sits beside the repository root.
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate) && !dir.equals(cwd)) {
        return candidate;
      }
    }
    return cwd.getParent().getParent().resolve("shared").resolve("data");
  }

  /** The named data set folder; skips the test (or fails under CI) when it is not there. */
  public static Path require(String name) {
    Path dir = root().resolve(name);
    boolean present = Files.isDirectory(dir);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI must provide " + dir + " (../shared/data/" + name + ")");
    }
    assumeTrue(
        present,
        "SKIPPED: real face data not found at "
            + dir
            + " (../shared/data/"
            + name
            + " beside the repository; set F2C_SHARED_DATA to point elsewhere)");
    return dir;
  }
}
