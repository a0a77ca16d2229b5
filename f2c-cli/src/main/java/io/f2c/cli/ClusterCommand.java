package io.f2c.cli;

import io.f2c.cli.cluster.ClusterLayout;
import io.f2c.cli.cluster.JobSubmitter;
import io.f2c.cli.cluster.LocalCluster;
import io.f2c.cli.config.ToolOptions;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.JobOptions;
import io.f2c.job.config.Option;
import io.f2c.job.kafka.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code f2c cluster up|down|submit}: a cluster of separate processes on this machine (a Kafka
 * broker, a Flink JobManager and two TaskManagers), and the job submitted to it as the shaded jar.
 */
final class ClusterCommand {
  private ClusterCommand() {}

  private static ClusterLayout layout(F2cConfig config) {
    return new ClusterLayout(
        config.get(ToolOptions.CLUSTER_DIR).toAbsolutePath(), Path.of("").toAbsolutePath());
  }

  static int up(F2cConfig config, PrintStream out) throws Exception {
    ClusterLayout layout = layout(config);
    if (LocalCluster.started(layout)) {
      throw new IllegalArgumentException(
          "a cluster already runs from " + layout.root() + ": f2c cluster down first");
    }
    LocalCluster cluster = LocalCluster.start(layout, LocalCluster.Settings.defaults());
    Topics.ensure(cluster.bootstrapServers(), F2cJob.topics(config));
    out.println("Kafka: " + cluster.bootstrapServers());
    out.println("Flink dashboard: http://127.0.0.1:" + cluster.restPort() + "/");
    out.println("processes: " + cluster.running() + " (logs in " + layout.logs() + ")");
    out.println(
        "next: ./f2c cluster submit; ./f2c produce --bootstrap-servers "
            + cluster.bootstrapServers());
    return 0;
  }

  static int down(F2cConfig config, PrintStream out) throws Exception {
    List<String> stopped = LocalCluster.stop(layout(config));
    out.println(stopped.isEmpty() ? "no cluster was running" : "stopped " + stopped);
    return 0;
  }

  static int submit(F2cConfig config, PrintStream out) throws Exception {
    ClusterLayout layout = layout(config);
    LocalCluster.Settings ports = LocalCluster.Settings.defaults();
    List<String> args = new ArrayList<>();
    for (Option<?> option : JobOptions.CLUSTER_JOB) {
      if (option.equals(F2cOptions.BOOTSTRAP_SERVERS)) {
        String bootstrap =
            config.isSet(option)
                ? config.get(F2cOptions.BOOTSTRAP_SERVERS)
                : "127.0.0.1:" + ports.kafkaPort();
        args.addAll(List.of(option.flag(), bootstrap));
      } else if (option.equals(F2cOptions.KAFKA_CONFIG) && config.isSet(option)) {
        // The job's main runs in the JobManager's working directory.
        args.addAll(
            List.of(
                option.flag(), config.get(F2cOptions.KAFKA_CONFIG).toAbsolutePath().toString()));
      } else if (config.isSet(option) && !option.isSwitch()) {
        args.addAll(List.of(option.flag(), String.valueOf(config.get(option))));
      }
    }
    JobSubmitter flink = new JobSubmitter(ports.restPort());
    String jar = flink.upload(layout.jobJar());
    String savepoint = config.get(ToolOptions.FROM_SAVEPOINT);
    String job =
        flink.run(jar, F2cJob.class.getName(), args, null, savepoint.isEmpty() ? null : savepoint);
    out.println(
        "submitted job "
            + job
            + ": http://127.0.0.1:"
            + ports.restPort()
            + "/#/job/running/"
            + job);
    return 0;
  }
}
