package io.f2c.cli;

import io.f2c.config.F2cConfig;
import io.f2c.config.F2cOptions;
import io.f2c.config.Option;
import java.util.List;

/**
 * A launcher subcommand: its name, what it does, and the options it accepts (all from {@link
 * F2cOptions}).
 */
public record Command(String name, String synopsis, String summary, List<Option<?>> options) {

  public F2cConfig parse(String... args) {
    return F2cConfig.parse(options, args);
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
      String dflt = option.defaultText();
      String dfltText = dflt.isEmpty() ? "" : " (default: " + dflt + ")";
      text.append(String.format("  %-28s %s%s%n", left, option.description(), dfltText));
    }
    return text.toString();
  }
}
