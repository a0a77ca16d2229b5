package io.f2c.job.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Named recipes ({@code conf/recipes/NAME.properties}, shipped in the job jar as {@code
 * recipes/NAME.properties}) and {@code --config FILE}: option names with values, under the flags.
 * Precedence, lowest first: the option's default, the recipe, the config file, the flags.
 */
public final class Recipes {
  private Recipes() {}

  /** The recipes in conf/recipes. */
  public static final List<String> SHIPPED =
      List.of("demo", "lfw", "continual-lfw", "bench-identities", "bench-scale-out");

  /**
   * {@code flags} with the values of the recipe ({@code --recipe}, else {@code defaultRecipe}) and
   * of {@code --config} filled in where no flag set them. A recipe's option that this command does
   * not accept is left out; a name that is no option at all is an error.
   */
  public static F2cConfig underFlags(
      F2cConfig flags, List<Option<?>> accepted, String defaultRecipe) {
    Map<String, String> values = new TreeMap<>();
    String recipe = flags.isSet(F2cOptions.RECIPE) ? flags.get(F2cOptions.RECIPE) : defaultRecipe;
    if (!recipe.isEmpty()) {
      values.putAll(named(recipe));
    }
    if (flags.isSet(F2cOptions.CONFIG_FILE)) {
      List<Option<?>> known = new ArrayList<>(F2cOptions.all());
      known.addAll(accepted);
      values.putAll(file(flags.get(F2cOptions.CONFIG_FILE), known));
    }
    F2cConfig config = flags;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      Option<?> option = find(entry.getKey(), accepted);
      if (option != null && !flags.isSet(option)) {
        config = withParsed(config, option, entry.getValue());
      }
    }
    return config;
  }

  /** The values of recipe {@code name}. */
  public static Map<String, String> named(String name) {
    String resource = "recipes/" + name + ".properties";
    try (InputStream in = Recipes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new F2cConfig.UsageException(
            "no recipe '" + name + "': give one of " + SHIPPED + " or --config FILE");
      }
      return read(
          new InputStreamReader(in, StandardCharsets.UTF_8), "recipe " + name, F2cOptions.all());
    } catch (IOException e) {
      throw new F2cConfig.UsageException("cannot read recipe " + name + ": " + e.getMessage());
    }
  }

  private static Map<String, String> file(Path path, List<Option<?>> known) {
    if (!Files.isRegularFile(path)) {
      throw new F2cConfig.UsageException(
          "--config " + path + " is not a file: give a properties file (option = value per line)");
    }
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(in, "--config " + path, known);
    } catch (IOException e) {
      throw new F2cConfig.UsageException("cannot read --config " + path + ": " + e.getMessage());
    }
  }

  /** The file's values; a name that is none of {@code known} is refused (a misspelt option). */
  private static Map<String, String> read(Reader in, String source, List<Option<?>> known)
      throws IOException {
    Properties properties = new Properties();
    properties.load(in);
    Map<String, String> values = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      if (find(name, known) == null) {
        throw new F2cConfig.UsageException(
            source + ": '" + name + "' is no option (names as in the flags, without --)");
      }
      values.put(name, properties.getProperty(name).trim());
    }
    return values;
  }

  private static Option<?> find(String name, List<Option<?>> options) {
    return options.stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
  }

  private static <T> F2cConfig withParsed(F2cConfig config, Option<T> option, String text) {
    try {
      return config.with(option, option.parse(text));
    } catch (IllegalArgumentException e) {
      throw new F2cConfig.UsageException(e.getMessage());
    }
  }
}
