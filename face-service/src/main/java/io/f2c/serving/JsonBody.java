package io.f2c.serving;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.f2c.recognition.EncodedImage;
import io.f2c.recognition.RecognitionException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A request's JSON object, read within the body limit, with typed access to its fields; a missing
 * or ill-typed field is a 400 naming it. Images are base64 strings (standard or URL-safe alphabet,
 * an optional {@code data:...;base64,} prefix); their format is read from their first bytes.
 */
final class JsonBody {
  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  /**
   * Reads the body: 413 when it is larger than {@code maxBytes} (by its Content-Length, before
   * reading, or while reading one sent without), 400 when it is not a JSON object.
   */
  static JsonBody read(Context ctx, long maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared + " bytes", maxBytes);
    }
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bytes.length > maxBytes) {
      throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
    }
    try {
      JsonElement parsed = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw ApiException.badRequest("the body must be a JSON object", null);
      }
      return new JsonBody(parsed.getAsJsonObject());
    } catch (JsonParseException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + e.getMessage(), null);
    }
  }

  private static ApiException tooLarge(String size, long maxBytes) {
    return new ApiException(
        413,
        "BODY_TOO_LARGE",
        "request body of " + size + " is over the limit of " + maxBytes + " bytes",
        null);
  }

  boolean has(String field) {
    return json.has(field) && !json.get(field).isJsonNull();
  }

  String string(String field) {
    JsonElement e = required(field);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw ApiException.badRequest(field + " must be a string", field);
    }
    return e.getAsString();
  }

  int integer(String field, int dflt, int min, int max) {
    if (!has(field)) {
      return dflt;
    }
    JsonElement e = json.get(field);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw ApiException.badRequest(field + " must be a whole number", field);
    }
    double value = e.getAsDouble();
    if (value != Math.rint(value) || value < min || value > max) {
      throw ApiException.badRequest(
          field + " must be a whole number from " + min + " to " + max + ", was " + e, field);
    }
    return (int) value;
  }

  /** The image in {@code field}. */
  EncodedImage image(String field) {
    return decode(string(field), field);
  }

  /** The images of the array in {@code field} (at least one). */
  List<EncodedImage> images(String field) {
    JsonElement e = required(field);
    if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
      throw ApiException.badRequest(field + " must be a non-empty array of base64 images", field);
    }
    JsonArray array = e.getAsJsonArray();
    List<EncodedImage> images = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String name = field + "[" + i + "]";
      JsonElement item = array.get(i);
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw ApiException.badRequest(name + " must be a base64 string", name);
      }
      images.add(decode(item.getAsString(), name));
    }
    return images;
  }

  private JsonElement required(String field) {
    if (!has(field)) {
      throw ApiException.badRequest("missing field " + field, field);
    }
    return json.get(field);
  }

  private static EncodedImage decode(String text, String field) {
    String payload = text.strip();
    int comma = payload.indexOf(',');
    if (payload.startsWith("data:") && comma > 0) {
      payload = payload.substring(comma + 1); // a data URL: data:image/png;base64,....
    }
    byte[] bytes;
    try {
      bytes =
          payload.indexOf('-') >= 0 || payload.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(payload)
              : Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field + " is not base64: " + e.getMessage(), field);
    }
    try {
      return EncodedImage.sniff(bytes, 0);
    } catch (RecognitionException e) {
      throw ApiException.image(e.rejectReason(), e.getMessage(), field);
    }
  }
}
