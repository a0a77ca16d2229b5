package io.f2c.cli.runtime;

import io.f2c.batching.IdentityCount;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.kafka.Topics;
import io.f2c.job.runtime.FlinkSettings;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.kafka.embedded.EmbeddedKafkaBroker;
import io.f2c.kafka.embedded.LoopbackPorts;
import java.io.PrintStream;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole system on this machine: Kafka (an embedded broker on 127.0.0.1 unless {@code
 * --bootstrap-servers} names one), the job's topics, and the job in a local Flink cluster with its
 * dashboard. {@link #close()} stops the job, then the broker.
 */
public final class LocalPipeline implements AutoCloseable {
  private final EmbeddedKafkaBroker broker;
  private final F2cConfig config;
  private final LocalJob job;

  private LocalPipeline(EmbeddedKafkaBroker broker, F2cConfig config, LocalJob job) {
    this.broker = broker;
    this.config = config;
    this.job = job;
  }

  /**
   * Starts Kafka if needed, creates the topics and submits the job; {@code identityCounts} receives
   * the job's progress records.
   */
  public static LocalPipeline start(
      F2cConfig config, Sink<IdentityCount> identityCounts, PrintStream out) throws Exception {
    return start(config, identityCounts, out, new Configuration());
  }

  /**
   * As {@link #start(F2cConfig, Sink, PrintStream)}, with Flink settings of the caller's on top
   * (e.g. a checkpoint to restore).
   */
  public static LocalPipeline start(
      F2cConfig config, Sink<IdentityCount> identityCounts, PrintStream out, Configuration extra)
      throws Exception {
    EmbeddedKafkaBroker broker = null;
    try {
      String bootstrap = config.get(F2cOptions.BOOTSTRAP_SERVERS);
      if (bootstrap.isEmpty()) {
        out.println("starting an embedded Kafka broker on 127.0.0.1 ...");
        broker = EmbeddedKafkaBroker.start();
        bootstrap = broker.bootstrapServers();
      }
      config = config.with(F2cOptions.BOOTSTRAP_SERVERS, bootstrap);
      if (config.get(F2cOptions.DASHBOARD_PORT) == 0) {
        config = config.with(F2cOptions.DASHBOARD_PORT, LoopbackPorts.free());
      }
      KafkaClientConfig kafka = F2cJob.kafka(config);
      Topics.ensure(kafka, F2cJob.topics(config));
      out.println("Kafka: " + kafka);
      Configuration settings = LocalMetrics.reporter(config);
      settings.addAll(extra);
      Configuration flinkConf = FlinkSettings.localConfiguration(config, settings);
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
      F2cJob.build(
          env, F2cJob.kafkaSource(config), F2cJob.kafkaSinks(config, identityCounts), config);
      LocalJob job = LocalJob.start(env, flinkConf, F2cJob.JOB_NAME);
      out.println(
          "Flink dashboard: http://127.0.0.1:"
              + config.get(F2cOptions.DASHBOARD_PORT)
              + "/  (job "
              + job.client().getJobID()
              + ")");
      return new LocalPipeline(broker, config, job);
    } catch (Exception | Error e) {
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  /** The settings the job runs with: bootstrap servers and dashboard port filled in. */
  public F2cConfig config() {
    return config;
  }

  public KafkaClientConfig kafka() {
    return F2cJob.kafka(config);
  }

  public JobClient job() {
    return job.client();
  }

  @Override
  public void close() throws Exception {
    try {
      job.close();
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }
}
