package io.f2c.job.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Option values: defaults from {@link F2cOptions}, overridden by flags or by code ({@link #with}).
 * Immutable.
 */
public final class F2cConfig {
  private final Map<Option<?>, Object> values;

  private F2cConfig(Map<Option<?>, Object> values) {
    this.values = values;
  }

  public static F2cConfig defaults() {
    return new F2cConfig(Map.of());
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    return values.containsKey(option) ? (T) values.get(option) : option.defaultValue();
  }

  public boolean isSet(Option<?> option) {
    return values.containsKey(option);
  }

  public <T> F2cConfig with(Option<T> option, T value) {
    Map<Option<?>, Object> copy = new HashMap<>(values);
    copy.put(option, value);
    return new F2cConfig(copy);
  }

  /**
   * Parses {@code --name value} flags (also {@code --name=value}); switches take no value.
   *
   * @throws UsageException naming the flag that was wrong and how to fix it
   */
  public static F2cConfig parse(List<Option<?>> accepted, String... args) {
    Map<String, Option<?>> byFlag = new LinkedHashMap<>();
    accepted.forEach(o -> byFlag.put(o.flag(), o));
    Map<Option<?>, Object> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String inlineValue = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        inlineValue = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      Option<?> option = byFlag.get(arg);
      if (option == null) {
        throw new UsageException(
            arg.startsWith("-")
                ? "unknown flag " + arg
                : "unexpected argument '" + arg + "' (options are given as --name value)");
      }
      if (option.isSwitch()) {
        values.put(option, inlineValue == null ? Boolean.TRUE : option.parse(inlineValue));
        continue;
      }
      String text = inlineValue;
      if (text == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new UsageException(
              option.flag() + " needs a value: " + option.flag() + " " + option.valueHint());
        }
        text = args[++i];
      }
      try {
        values.put(option, option.parse(text));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    return new F2cConfig(values);
  }

  /** A command-line mistake; the message is one line saying what was wrong. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }
}
