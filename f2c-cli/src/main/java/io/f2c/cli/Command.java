package io.f2c.cli;

import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.Option;
import java.util.List;
import java.util.Optional;

/**
 * A launcher subcommand: its name, what it does, the options it accepts (all from {@link
 * F2cOptions}), and where it needs them, defaults of its own for some of them.
 */
public record Command(
    String name,
    String synopsis,
    String summary,
    List<Option<?>> options,
    List<Default<?>> defaults) {

  /** A command's own default for one option (the demo's, sized for a CPU). */
  public record Default<T>(Option<T> option, T value) {
    F2cConfig applyUnlessSet(F2cConfig config) {
      return config.isSet(option) ? config : config.with(option, value);
    }
  }

  public Command(String name, String synopsis, String summary, List<Option<?>> options) {
    this(name, synopsis, summary, options, List.of());
  }

  public F2cConfig parse(String... args) {
    F2cConfig config = F2cConfig.parse(options, args);
    for (Default<?> d : defaults) {
      config = d.applyUnlessSet(config);
    }
    return config;
  }

  private Optional<Default<?>> defaultOf(Option<?> option) {
    return defaults.stream().filter(d -> d.option().equals(option)).findFirst();
  }

  public String usage() {
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
          defaultOf(option)
              .map(d -> String.valueOf(d.value()) + " for " + name)
              .orElse(option.defaultText());
      String dfltText = dflt.isEmpty() ? "" : " (default: " + dflt + ")";
      text.append(String.format("  %-28s %s%s%n", left, option.description(), dfltText));
    }
    return text.toString();
  }
}
