package io.f2c.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class F2cConfigTest {
  private static final List<Option<?>> ACCEPTED =
      List.of(
          F2cOptions.CHECKPOINT_INTERVAL_MS,
          F2cOptions.CHECKPOINT_DIR,
          F2cOptions.CROP_FRACTION,
          F2cOptions.DASHBOARD_PORT,
          F2cOptions.HELP);

  @Test
  void defaultsApplyAndFlagsOverride() {
    F2cConfig config =
        F2cConfig.parse(
            ACCEPTED, "--checkpoint-interval-ms", "60", "--crop-fraction=0.75", "--help");
    assertEquals(60L, config.get(F2cOptions.CHECKPOINT_INTERVAL_MS));
    assertEquals(0.75, config.get(F2cOptions.CROP_FRACTION));
    assertEquals(8081, config.get(F2cOptions.DASHBOARD_PORT));
    assertTrue(config.get(F2cOptions.HELP));
    assertTrue(config.isSet(F2cOptions.CHECKPOINT_INTERVAL_MS));
    assertFalse(config.isSet(F2cOptions.DASHBOARD_PORT));
    assertEquals(
        Path.of("x"),
        config.with(F2cOptions.CHECKPOINT_DIR, Path.of("x")).get(F2cOptions.CHECKPOINT_DIR));
  }

  @Test
  void mistakesSayWhatWasWrong() {
    assertEquals("unknown flag --interval", message("--interval", "3"));
    assertEquals(
        "--checkpoint-interval-ms needs a value: --checkpoint-interval-ms MS",
        message("--checkpoint-interval-ms"));
    assertEquals(
        "--checkpoint-interval-ms needs a value: --checkpoint-interval-ms MS",
        message("--checkpoint-interval-ms", "--help"));
    assertEquals(
        "invalid value 'abc' for --checkpoint-interval-ms: For input string: \"abc\"",
        message("--checkpoint-interval-ms", "abc"));
    assertEquals(
        "invalid value '0' for --checkpoint-interval-ms: must be a positive whole number",
        message("--checkpoint-interval-ms", "0"));
    assertEquals(
        "invalid value '1.5' for --crop-fraction: must be in (0, 1]",
        message("--crop-fraction", "1.5"));
    assertEquals(
        "invalid value '70000' for --dashboard-port: a port is 0..65535 (0 picks a free one)",
        message("--dashboard-port", "70000"));
    assertEquals("unexpected argument 'demo' (options are given as --name value)", message("demo"));
    // A flag another command accepts is still unknown here.
    assertEquals("unknown flag --rate", message("--rate", "3"));
  }

  private static String message(String... args) {
    return assertThrows(F2cConfig.UsageException.class, () -> F2cConfig.parse(ACCEPTED, args))
        .getMessage();
  }
}
