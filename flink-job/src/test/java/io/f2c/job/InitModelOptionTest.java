package io.f2c.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.job.training.TrainingSettings;
import io.f2c.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --init-model is read and checked where the job is built, failing there with one line. */
class InitModelOptionTest {
  @TempDir Path dir;

  private static F2cConfig with(String value) {
    return F2cConfig.defaults().with(ModelVersionOptions.INIT_MODEL, value);
  }

  @Test
  void noneIsNoModelAndAFileIsReadAndChecked() throws Exception {
    assertNull(F2cJob.initModel(with("none")));
    byte[] blob = TestModels.blob(4);
    Path file = Files.write(dir.resolve("f2c-v4.f2cm"), blob);
    TrainingSettings.InitModel model = F2cJob.initModel(with(file.toString()));
    assertArrayEquals(blob, model.blob());
    assertEquals("file " + file, model.source());
  }

  @Test
  void aMissingFileABrokenModelAndLatestWithoutKafkaSayWhatToGive() throws Exception {
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> F2cJob.initModel(with(dir.resolve("nope.f2cm").toString())));
    assertTrue(
        missing.getMessage().contains("is not a file: give a model saved by subscribe --save"));
    Path junk = Files.write(dir.resolve("junk.f2cm"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    var broken =
        assertThrows(IllegalArgumentException.class, () -> F2cJob.initModel(with(junk.toString())));
    assertTrue(broken.getMessage().contains("not an F2C model"), broken.getMessage());
    var latest =
        assertThrows(IllegalArgumentException.class, () -> F2cJob.initModel(with("latest")));
    assertTrue(latest.getMessage().contains("give --bootstrap-servers too"), latest.getMessage());
  }
}
