package io.f2c.serving;

import com.google.gson.Gson;
import io.javalin.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/** Javalin's JSON through the project's Gson (so Jackson is not needed). */
final class GsonJsonMapper implements JsonMapper {
  private final Gson gson;

  GsonJsonMapper(Gson gson) {
    this.gson = gson;
  }

  @Override
  public String toJsonString(Object obj, Type type) {
    return gson.toJson(obj, type);
  }

  @Override
  public InputStream toJsonStream(Object obj, Type type) {
    return new ByteArrayInputStream(toJsonString(obj, type).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public <T> T fromJsonString(String json, Type targetType) {
    return gson.fromJson(json, targetType);
  }

  @Override
  public <T> T fromJsonStream(InputStream json, Type targetType) {
    return gson.fromJson(new InputStreamReader(json, StandardCharsets.UTF_8), targetType);
  }
}
