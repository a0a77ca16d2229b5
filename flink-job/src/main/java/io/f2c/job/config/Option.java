package io.f2c.job.config;

import java.io.Serializable;
import java.util.Locale;
import java.util.function.Function;

/**
 * One typed configuration option: its flag name (used as {@code --name value}), default,
 * description and parser. All options live in {@link F2cOptions}; a command declares which of them
 * it accepts.
 */
public final class Option<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final T defaultValue;
  private final String description;
  private final String valueHint;
  private final SerializableParser<T> parser;

  /** A parser that can travel inside Flink functions together with the config. */
  public interface SerializableParser<T> extends Function<String, T>, Serializable {}

  public Option(
      String name,
      T defaultValue,
      String valueHint,
      String description,
      SerializableParser<T> parser) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.valueHint = valueHint;
    this.description = description;
    this.parser = parser;
  }

  public String name() {
    return name;
  }

  public String flag() {
    return "--" + name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /**
   * The default as the command line spells it (enums in lower case with hyphens); empty where there
   * is none.
   */
  public String defaultText() {
    if (defaultValue == null || Boolean.FALSE.equals(defaultValue)) {
      return "";
    }
    return defaultValue instanceof Enum<?> e
        ? e.toString().toLowerCase(Locale.ROOT).replace('_', '-')
        : defaultValue.toString();
  }

  public String description() {
    return description;
  }

  /** Short hint for usage text, e.g. {@code N} or {@code H:P}; empty for switches. */
  public String valueHint() {
    return valueHint;
  }

  public boolean isSwitch() {
    return valueHint.isEmpty();
  }

  /** Parses a flag value; the message of the exception says what was wrong. */
  public T parse(String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException | ArithmeticException e) {
      String why = e.getMessage() == null ? "" : ": " + e.getMessage();
      throw new IllegalArgumentException("invalid value '" + text + "' for " + flag() + why, e);
    }
  }

  @Override
  public String toString() {
    return flag();
  }
}
