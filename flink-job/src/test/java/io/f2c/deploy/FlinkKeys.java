package io.f2c.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * Flink's own configuration options, by key, read from its option classes: a typo in a deployment
 * file is caught.
 */
final class FlinkKeys {
  private FlinkKeys() {}

  private static final List<Class<?>> OPTION_CLASSES =
      List.of(
          CheckpointingOptions.class,
          StateBackendOptions.class,
          PipelineOptions.class,
          RestOptions.class,
          JobManagerOptions.class,
          TaskManagerOptions.class,
          CoreOptions.class,
          HighAvailabilityOptions.class,
          ClusterOptions.class);

  static Map<String, ConfigOption<?>> all() {
    Map<String, ConfigOption<?>> byKey = new HashMap<>();
    for (Class<?> type : OPTION_CLASSES) {
      for (Field field : type.getFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && ConfigOption.class.isAssignableFrom(field.getType())) {
          try {
            ConfigOption<?> option = (ConfigOption<?>) field.get(null);
            byKey.put(option.key(), option);
            for (FallbackKey fallback : option.fallbackKeys()) {
              byKey.putIfAbsent(fallback.getKey(), option);
            }
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return byKey;
  }
}
