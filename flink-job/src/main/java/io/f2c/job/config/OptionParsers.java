package io.f2c.job.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How option values are read from flags: the factories and parsers behind {@link F2cOptions}. */
public final class OptionParsers {
  private OptionParsers() {}

  /** A float default as the decimal it was written as (0.99f reads 0.99, not 0.9900000095). */
  public static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  public static Option<String> string(String name, String dflt, String hint, String description) {
    return new Option<>(name, dflt, hint, description, OptionParsers::parseNonBlank);
  }

  public static Option<Path> path(String name, Path dflt, String description) {
    return new Option<>(name, dflt, "DIR", description, text -> Path.of(parseNonBlank(text)));
  }

  public static Option<Integer> positiveInt(
      String name, int dflt, String hint, String description) {
    return new Option<>(
        name, dflt, hint, description, text -> Math.toIntExact(parsePositive(text)));
  }

  public static Option<Long> positiveLong(String name, long dflt, String hint, String description) {
    return new Option<>(name, dflt, hint, description, OptionParsers::parsePositive);
  }

  public static long parsePositive(String text) {
    long value = Long.parseLong(text.trim());
    if (value <= 0) {
      throw new IllegalArgumentException("must be a positive whole number");
    }
    return value;
  }

  public static Option<Integer> port(String name, int dflt, String description) {
    return new Option<>(
        name,
        dflt,
        "PORT",
        description,
        text -> {
          int value = Integer.parseInt(text.trim());
          if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("a port is 0..65535 (0 picks a free one)");
          }
          return value;
        });
  }

  /** "10000,1%": positive counts, or percentages (of N) ending in %. */
  public static String parseCountList(String text) {
    for (String part : text.split(",")) {
      String p = part.trim();
      double value = Double.parseDouble(p.endsWith("%") ? p.substring(0, p.length() - 1) : p);
      if (!(value > 0)) {
        throw new IllegalArgumentException("each entry must be positive");
      }
    }
    return text.replace(" ", "");
  }

  /** An option whose values are an enum's constants, spelt in lower case on the command line. */
  public static <E extends Enum<E>> Option<E> enumOption(
      String name, E dflt, String description, Class<E> type) {
    String choices =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining("|"));
    return new Option<>(
        name,
        dflt,
        choices,
        description,
        text -> {
          try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("choose one of " + choices.replace("|", ", "), e);
          }
        });
  }

  public static Double parseMomentum(String text) {
    double value = Double.parseDouble(text.trim());
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException("must be in [0, 1)");
    }
    return value;
  }

  /** "all" or a comma list of positive fold numbers. */
  public static String parseFolds(String text) {
    String folds = text.replace(" ", "");
    if (!folds.equals("all")) {
      for (String part : folds.split(",")) {
        if (!part.matches("[1-9][0-9]*")) {
          throw new IllegalArgumentException(
              "folds is 'all' or fold numbers like 1,2 (1-based), was '" + text + "'");
        }
      }
    }
    return folds;
  }

  /** "none" or strictly increasing positive step numbers like 2000,3000,3600. */
  public static String parseMilestones(String text) {
    String steps = text.replace(" ", "");
    if (steps.equals("none")) {
      return steps;
    }
    long previous = 0;
    for (String part : steps.split(",", -1)) {
      if (!part.matches("[1-9][0-9]*") || Long.parseLong(part) <= previous) {
        throw new IllegalArgumentException(
            "milestones are 'none' or increasing step numbers like 2000,3000,3600");
      }
      previous = Long.parseLong(part);
    }
    return steps;
  }

  public static String parseNonBlank(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text.trim();
  }

  public static Integer parseChannels(String text) {
    int value = Integer.parseInt(text.trim());
    if (value != 1 && value != 3) {
      throw new IllegalArgumentException("channels is 1 (grey) or 3 (RGB)");
    }
    return value;
  }

  public static Double parseFraction(String text) {
    double value = Double.parseDouble(text.trim());
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException("must be in (0, 1]");
    }
    return value;
  }

  public static Double parseShare(String text) {
    double value = Double.parseDouble(text.trim());
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("must be in [0, 1]");
    }
    return value;
  }

  public static Double parseNonNegativeDouble(String text) {
    double value = Double.parseDouble(text.trim());
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("must be a number >= 0");
    }
    return value;
  }

  public static Double parsePositiveDouble(String text) {
    double value = Double.parseDouble(text.trim());
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("must be a number > 0");
    }
    return value;
  }

  /** true or false, nothing else (Boolean.parseBoolean would read a typo as false). */
  public static Boolean parseBoolean(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false, was '" + text + "'");
    };
  }

  public static Long parseNonNegativeLong(String text) {
    long value = Long.parseLong(text.trim());
    if (value < 0) {
      throw new IllegalArgumentException("must be >= 0");
    }
    return value;
  }
}
