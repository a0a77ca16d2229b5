package io.f2c.cli.runtime;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A job on a local Flink cluster in this JVM that this process owns. Flink's local executor stops
 * its per-job cluster asynchronously after the job ends, so RocksDB uploads and the discard of old
 * checkpoints can still write after {@code cancel} returns; {@link #close()} returns only once the
 * cluster and all its threads have stopped.
 */
public final class LocalJob implements AutoCloseable {
  private final MiniCluster cluster;
  private final JobClient client;

  private LocalJob(MiniCluster cluster, JobClient client) {
    this.cluster = cluster;
    this.client = client;
  }

  /**
   * Starts a cluster with {@code settings} (dashboard, slots, metric reporters) and submits the
   * topology built on {@code env} as {@code name}.
   */
  public static LocalJob start(StreamExecutionEnvironment env, Configuration settings, String name)
      throws Exception {
    Configuration conf = new Configuration(settings);
    if (!conf.contains(RestOptions.BIND_PORT)) {
      conf.set(RestOptions.BIND_PORT, "0"); // no dashboard asked for: any free port
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    }
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(conf.get(TaskManagerOptions.NUM_TASK_SLOTS))
                .build());
    try {
      cluster.start();
      StreamGraph graph = env.getStreamGraph();
      graph.setJobName(name);
      JobID id = cluster.submitJob(graph).get().getJobID();
      return new LocalJob(
          cluster,
          new MiniClusterJobClient(
              id,
              cluster,
              Thread.currentThread().getContextClassLoader(),
              MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  public JobClient client() {
    return client;
  }

  /**
   * Cancels the job unless it already ended and waits until it has (its tasks have closed their
   * operators, the trainer its native tensors), then stops the cluster and waits for that too.
   */
  @Override
  public void close() throws Exception {
    try {
      if (!client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
        client.cancel().get(30, TimeUnit.SECONDS);
      }
      client.getJobExecutionResult().handle((result, error) -> null).get(60, TimeUnit.SECONDS);
    } finally {
      cluster.close();
    }
  }
}
