package io.f2c.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the Grafana dashboard in monitoring/ queries. */
final class DashboardMetrics {
  static final Path DASHBOARD =
      Path.of("..", "monitoring", "grafana", "dashboards", "f2c-training.json");
  private static final Pattern METRIC = Pattern.compile("flink_[A-Za-z0-9_]+(\\.\\+)?");

  private DashboardMetrics() {}

  /** Every metric name in a panel query or variable; a name ending in ".+" is a prefix. */
  static Set<String> queried() {
    try {
      JsonObject dashboard = JsonParser.parseString(Files.readString(DASHBOARD)).getAsJsonObject();
      Set<String> names = new TreeSet<>();
      for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
        for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
          collect(target.getAsJsonObject().get("expr").getAsString(), names);
        }
      }
      for (JsonElement variable : dashboard.getAsJsonObject("templating").getAsJsonArray("list")) {
        collect(variable.getAsJsonObject().get("definition").getAsString(), names);
      }
      if (names.size() < 10) {
        throw new IllegalStateException("the dashboard queries only " + names);
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean matches(String queried, String served) {
    return queried.endsWith(".+")
        ? served.startsWith(queried.substring(0, queried.length() - 2))
        : served.equals(queried);
  }

  private static void collect(String expr, Set<String> names) {
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group());
    }
  }
}
