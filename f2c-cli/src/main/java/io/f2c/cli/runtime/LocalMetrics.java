package io.f2c.cli.runtime;

import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's Prometheus reporter for the local cluster of {@code f2c demo} and {@code f2c job}: every
 * metric of the JobManager and the TaskManager (one process here) on
 * http://127.0.0.1:{--metrics-port}/metrics, in the format and with the names Flink's own
 * PrometheusReporter gives them on a real cluster, so the same dashboards work on both.
 */
public final class LocalMetrics {
  private LocalMetrics() {}

  /** Reporter settings for --metrics-port; none when it is 0. */
  public static Configuration reporter(F2cConfig config) {
    Configuration conf = new Configuration();
    int port = config.get(F2cOptions.METRICS_PORT);
    if (port > 0) {
      set(conf, "metrics.reporter.prom.factory.class", LoopbackPrometheusReporter.Factory.NAME);
      set(conf, "metrics.reporter.prom.port", String.valueOf(port));
    }
    return conf;
  }

  private static void set(Configuration conf, String key, String value) {
    conf.set(ConfigOptions.key(key).stringType().noDefaultValue(), value);
  }
}
