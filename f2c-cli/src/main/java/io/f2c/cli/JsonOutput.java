package io.f2c.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers for the commands' JSON lines (written with Gson): rounded for reading, null where there
 * is no value.
 */
public final class JsonOutput {
  private JsonOutput() {}

  /** {@code value} rounded to {@code decimals} places; JSON null for NaN or infinity. */
  public static JsonElement number(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return JsonNull.INSTANCE;
    }
    return new JsonPrimitive(BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN));
  }
}
