package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.cli.config.ToolOptions;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.Option;
import io.f2c.job.config.Recipes;
import io.f2c.model.backbone.Backbone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/options.md is what the options say, and every option and recipe is in it. */
class OptionsReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "options.md");

  @Test
  void docsOptionsMdIsGeneratedFromTheOptions() throws Exception {
    String generated = OptionsReference.markdown();
    Path fresh = Path.of("target", "options.md");
    Files.writeString(fresh, generated, StandardCharsets.UTF_8);
    String committed = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    assertEquals(
        generated,
        committed,
        "docs/options.md is out of date: cp f2c-cli/target/options.md docs/options.md");
    for (Option<?> option : ToolOptions.all()) {
      assertTrue(generated.contains("`" + option.flag()), option.flag() + " missing");
    }
  }

  @Test
  void everyRecipeFileIsShippedAndReadable() throws Exception {
    List<String> files;
    try (Stream<Path> list = Files.list(Path.of("..", "conf", "recipes"))) {
      files =
          list.map(p -> p.getFileName().toString().replace(".properties", "")).sorted().toList();
    }
    assertEquals(Recipes.SHIPPED.stream().sorted().toList(), files);
    for (String name : files) {
      assertTrue(!Recipes.named(name).isEmpty(), name);
    }
  }

  @Test
  void flagsOverrideTheRecipeWhichOverridesTheDefaults() {
    F2cConfig demo = Commands.DEMO.parse("--publish-every-steps", "7");
    assertEquals(64, demo.get(F2cOptions.INPUT_SIZE)); // recipe demo, the demo's own
    assertEquals(7L, demo.get(F2cOptions.PUBLISH_EVERY_STEPS)); // flag over recipe
    assertEquals(F2cOptions.POOL_SIZE.defaultValue(), demo.get(F2cOptions.POOL_SIZE));
    F2cConfig lfw = Commands.DEMO.parse("--recipe", "lfw", "--crop-fraction", "0.7");
    assertEquals(400, lfw.get(F2cOptions.POOL_SIZE));
    assertEquals(0.7, lfw.get(F2cOptions.CROP_FRACTION));
    // eval takes the recipe's preprocessing and leaves out the training options it does not take.
    F2cConfig eval = Commands.EVAL.parse("--recipe", "lfw");
    assertEquals(0.8, eval.get(F2cOptions.CROP_FRACTION));
    assertEquals(F2cOptions.POOL_SIZE.defaultValue(), eval.get(F2cOptions.POOL_SIZE));
  }

  @Test
  void aConfigFileSitsBetweenRecipeAndFlagsAndAMisspeltNameIsRefused(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("mine.properties");
    Files.writeString(file, "pool-size = 123\ninput-size = 48\nseconds = 7\n");
    F2cConfig config =
        Commands.DEMO.parse("--recipe", "lfw", "--config", file.toString(), "--input-size", "40");
    assertEquals(123, config.get(F2cOptions.POOL_SIZE));
    assertEquals(40, config.get(F2cOptions.INPUT_SIZE));
    assertEquals(7L, config.get(ToolOptions.SECONDS)); // a tool option the demo takes
    assertEquals(Backbone.MEDIUM_CNN, config.get(F2cOptions.BACKBONE));
    Files.writeString(file, "pool-sise = 123\n");
    F2cConfig.UsageException e =
        assertThrows(
            F2cConfig.UsageException.class, () -> Commands.DEMO.parse("--config", file.toString()));
    assertTrue(e.getMessage().contains("'pool-sise' is no option"), e.getMessage());
  }
}
