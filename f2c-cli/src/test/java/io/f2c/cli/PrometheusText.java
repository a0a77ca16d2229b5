package io.f2c.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Samples of a Prometheus text exposition (what a scrape of /metrics returns), by metric name. */
record PrometheusText(Map<String, List<Double>> samples) {

  static PrometheusText parse(String text) {
    Map<String, List<Double>> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int labels = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, labels >= 0 ? labels : line.indexOf(' '));
      samples
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(Double.parseDouble(line.substring(space + 1)));
    }
    return new PrometheusText(samples);
  }

  Set<String> names() {
    return samples.keySet();
  }

  /** The largest value of metric {@code name} over its series, or NaN when it is not there. */
  double max(String name) {
    return samples.getOrDefault(name, List.of()).stream()
        .mapToDouble(Double::doubleValue)
        .max()
        .orElse(Double.NaN);
  }
}
