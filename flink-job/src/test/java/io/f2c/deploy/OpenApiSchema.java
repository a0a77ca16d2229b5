package io.f2c.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a YAML value against a Kubernetes structural schema (a CRD's openAPIV3Schema) as the API
 * server would: types, enums, required fields, and no field the schema does not declare unless it
 * preserves unknown fields. Returns every violation with its path.
 */
final class OpenApiSchema {
  private final Map<String, Object> root;
  private final Map<String, List<Object>> extraEnumValues;

  /**
   * @param extraEnumValues values an enum at a path accepts beyond the schema's (a newer operator
   *     knows them; the schema comes from an older one)
   */
  OpenApiSchema(Map<String, Object> root, Map<String, List<Object>> extraEnumValues) {
    this.root = root;
    this.extraEnumValues = extraEnumValues;
  }

  /**
   * Violations of a whole resource: apiVersion, kind and metadata are the API server's own (every
   * resource has them), the rest is checked against the schema.
   */
  @SuppressWarnings("unchecked")
  List<String> violations(Map<String, Object> resource) {
    Map<String, Object> body = new HashMap<>(resource);
    body.keySet().removeAll(List.of("apiVersion", "kind", "metadata"));
    List<String> out = new ArrayList<>();
    check("", root, body, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private void check(String path, Map<String, Object> schema, Object value, List<String> out) {
    boolean anythingGoes =
        Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))
            && !schema.containsKey("properties");
    if (value == null || anythingGoes) {
      return;
    }
    if (schema.containsKey("anyOf") || schema.containsKey("oneOf")) {
      List<Map<String, Object>> options =
          (List<Map<String, Object>>) schema.getOrDefault("anyOf", schema.get("oneOf"));
      boolean any =
          options.stream().anyMatch(o -> violationsOf(path, merged(schema, o), value).isEmpty());
      if (!any) {
        out.add(path + ": matches none of " + options);
      }
      return;
    }
    if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
      if (!(value instanceof Number || value instanceof String)) {
        out.add(path + ": expected an integer or a string, was " + value);
      }
      return;
    }
    String type = (String) schema.get("type");
    if (schema.containsKey("enum")) {
      List<Object> allowed = new ArrayList<>((List<Object>) schema.get("enum"));
      allowed.addAll(extraEnumValues.getOrDefault(path, List.of()));
      if (!allowed.contains(value)) {
        out.add(path + ": '" + value + "' is not one of " + allowed);
      }
    }
    if (type == null) {
      return;
    }
    switch (type) {
      case "object" -> {
        if (!(value instanceof Map<?, ?> map)) {
          out.add(path + ": expected an object, was " + value);
          return;
        }
        Map<String, Object> properties =
            (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        Object additional = schema.get("additionalProperties");
        boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (Object required : (List<Object>) schema.getOrDefault("required", List.of())) {
          if (!map.containsKey(required)) {
            out.add(path + ": missing required field '" + required + "'");
          }
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          String key = String.valueOf(entry.getKey());
          String at = path + "." + key;
          if (properties.containsKey(key)) {
            check(at, (Map<String, Object>) properties.get(key), entry.getValue(), out);
          } else if (additional instanceof Map<?, ?> valueSchema) {
            check(at, (Map<String, Object>) valueSchema, entry.getValue(), out);
          } else if (!preserve && !Boolean.TRUE.equals(additional)) {
            out.add(at + ": unknown field (the schema declares " + properties.keySet() + ")");
          }
        }
      }
      case "array" -> {
        if (!(value instanceof List<?> list)) {
          out.add(path + ": expected a list, was " + value);
          return;
        }
        Map<String, Object> items = (Map<String, Object>) schema.get("items");
        for (int i = 0; i < list.size(); i++) {
          if (items != null) {
            check(path + "[" + i + "]", items, list.get(i), out);
          }
        }
      }
      case "string" -> {
        if (!(value instanceof String)) {
          out.add(path + ": expected a string, was " + value + " (quote it)");
        }
      }
      case "integer" -> {
        if (!(value instanceof Integer || value instanceof Long)) {
          out.add(path + ": expected an integer, was " + value);
        }
      }
      case "number" -> {
        if (!(value instanceof Number)) {
          out.add(path + ": expected a number, was " + value);
        }
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) {
          out.add(path + ": expected true or false, was " + value);
        }
      }
      default -> out.add(path + ": schema type " + type + " is not handled here");
    }
  }

  private List<String> violationsOf(String path, Map<String, Object> schema, Object value) {
    List<String> out = new ArrayList<>();
    check(path, schema, value, out);
    return out;
  }

  private static Map<String, Object> merged(Map<String, Object> outer, Map<String, Object> option) {
    Map<String, Object> merged = new HashMap<>(outer);
    merged.remove("anyOf");
    merged.remove("oneOf");
    merged.putAll(option);
    return merged;
  }
}
