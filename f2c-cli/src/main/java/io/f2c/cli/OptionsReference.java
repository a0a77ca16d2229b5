package io.f2c.cli;

import io.f2c.cli.config.ToolOptions;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.Option;
import io.f2c.job.config.Recipes;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The options reference, {@code docs/options.md}, made from the options themselves and the commands
 * that accept them (a test keeps the committed file equal to it).
 */
public final class OptionsReference {
  private OptionsReference() {}

  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Options\n\n")
        .append("Generated from `F2cOptions` (the job's options) and `ToolOptions` (the tools'),")
        .append(" with the commands that\naccept each; do not edit by hand (")
        .append("`OptionsReferenceTest` writes the current text to `f2c-cli/target/options.md`).")
        .append(" `./f2c COMMAND --help`\nprints one command's options.\n\n")
        .append(
            "Give `--name value` or `--name=value`. Precedence, lowest first: the default below,")
        .append(" the recipe (`--recipe NAME`;\nthe demo applies `demo` unless told otherwise),")
        .append(" `--config FILE` (the same format), the flags.\n\n");
    md.append("## Recipes\n\n");
    for (String name : Recipes.SHIPPED) {
      md.append("`conf/recipes/").append(name).append(".properties`: ");
      md.append(
          Recipes.named(name).entrySet().stream()
              .map(e -> "`" + e.getKey() + "` " + e.getValue())
              .collect(Collectors.joining(", ")));
      md.append("\n\n");
    }
    table(md, "Job options (`F2cOptions`)", F2cOptions.all());
    table(md, "Tool options (`ToolOptions`)", F2cOptions.declaredIn(ToolOptions.class));
    return md.toString();
  }

  private static void table(StringBuilder md, String title, List<Option<?>> options) {
    md.append("## ").append(title).append("\n\n");
    md.append("| flag | default | meaning | commands |\n| --- | --- | --- | --- |\n");
    for (Option<?> option : options) {
      String flag = option.flag() + (option.isSwitch() ? "" : " " + option.valueHint());
      md.append("| `")
          .append(flag.replace("|", "\\|"))
          .append("` | ")
          .append(option.defaultText().isEmpty() ? "" : "`" + option.defaultText() + "`")
          .append(" | ")
          .append(option.description().replace("|", "\\|"))
          .append(" | ")
          .append(commandsOf(option))
          .append(" |\n");
    }
    md.append('\n');
  }

  private static String commandsOf(Option<?> option) {
    if (option.equals(F2cOptions.HELP)) {
      return "all";
    }
    String names =
        Commands.ALL.stream()
            .filter(c -> c.options().contains(option))
            .map(Command::name)
            .collect(Collectors.joining(", "));
    return names.isEmpty() ? "(none)" : names;
  }
}
