package io.f2c.cli;

import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.Option;
import io.f2c.job.config.Recipes;
import java.util.List;
import java.util.Map;

/**
 * A launcher subcommand: its name, what it does, the options it accepts (all from {@link
 * F2cOptions} and {@code ToolOptions}), and the recipe it applies when none is given (empty: none).
 */
public record Command(
    String name, String synopsis, String summary, List<Option<?>> options, String recipe) {

  public Command(String name, String synopsis, String summary, List<Option<?>> options) {
    this(name, synopsis, summary, options, "");
  }

  /** Defaults, under the recipe and --config, under the flags. */
  public F2cConfig parse(String... args) {
    return Recipes.underFlags(F2cConfig.parse(options, args), options, recipe);
  }

  public String usage() {
    Map<String, String> recipeValues = recipe.isEmpty() ? Map.of() : Recipes.named(recipe);
    StringBuilder text = new StringBuilder();
    text.append("usage: f2c ")
        .append(name)
        .append(' ')
        .append(synopsis)
        .append("\n\n")
        .append(summary)
        .append("\n\noptions:\n");
    for (Option<?> option : options) {
      String left = option.flag() + (option.isSwitch() ? "" : " " + option.valueHint());
      String dflt =
          recipeValues.containsKey(option.name())
              ? recipeValues.get(option.name()) + " (recipe " + recipe + ")"
              : option.defaultText();
      String dfltText = dflt.isEmpty() ? "" : " (default: " + dflt + ")";
      text.append(String.format("  %-28s %s%s%n", left, option.description(), dfltText));
    }
    return text.toString();
  }
}
