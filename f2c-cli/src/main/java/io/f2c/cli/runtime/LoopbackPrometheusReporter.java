package io.f2c.cli.runtime;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter, serving on 127.0.0.1 only: Flink's own binds every interface, which
 * a launcher on a developer's machine (and the tests) should not. Metric names and labels are
 * Flink's, since the collection is Flink's {@link AbstractPrometheusReporter}.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
  private final HTTPServer server;

  LoopbackPrometheusReporter(int port) {
    try {
      server = new HTTPServer(new InetSocketAddress("127.0.0.1", port), registry(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve Prometheus metrics on 127.0.0.1:" + port, e);
    }
    log.info("Prometheus metrics on http://127.0.0.1:{}/metrics", port);
  }

  /** The registry Flink's reporter fills (package-private there; it has no loopback option). */
  private CollectorRegistry registry() {
    try {
      Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
      field.setAccessible(true);
      return (CollectorRegistry) field.get(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("unexpected flink-metrics-prometheus version", e);
    }
  }

  @Override
  public void close() {
    server.stop();
    super.close();
  }

  /** Found by Flink through META-INF/services; configured with {@code port}. */
  public static final class Factory implements MetricReporterFactory {
    static final String NAME = "io.f2c.cli.runtime.LoopbackPrometheusReporter$Factory";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new LoopbackPrometheusReporter(
          Integer.parseInt(properties.getProperty("port", "9249").trim()));
    }
  }
}
