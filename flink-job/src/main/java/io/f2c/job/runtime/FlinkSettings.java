package io.f2c.job.runtime;

import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * The Flink configuration the job runs with: RocksDB state backend, incremental checkpoints, no
 * silent Kryo fallback. {@link #localConfiguration} adds what a local cluster with the web
 * dashboard on 127.0.0.1 needs.
 */
public final class FlinkSettings {
  /**
   * Network buffer size of every TaskManager ({@code taskmanager.memory.segment-size}; Flink's
   * default is 32 KiB). An instance batch is one record of hundreds of KiB, and a channel holds
   * about ten buffers: with small buffers the loader cannot write a whole batch to a trainer that
   * is busy stepping, and stalls the other trainers' batches behind it.
   */
  public static final String NETWORK_BUFFER_SIZE = "256kb";

  private FlinkSettings() {}

  /**
   * Settings every run of the job needs, locally or on a cluster. On a cluster the checkpoint
   * directory comes from the cluster's configuration unless {@code --checkpoint-dir} is given.
   */
  public static Configuration jobConfiguration(F2cConfig config, boolean local) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        Duration.ofMillis(config.get(F2cOptions.CHECKPOINT_INTERVAL_MS)));
    if (local || config.isSet(F2cOptions.CHECKPOINT_DIR)) {
      Path dir = config.get(F2cOptions.CHECKPOINT_DIR).toAbsolutePath();
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
    }
    // A slow training operator backs up its input; unaligned checkpoints do not wait behind that
    // backlog.
    conf.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, config.get(F2cOptions.PARALLELISM));
    return conf;
  }

  /**
   * What a local cluster in this JVM runs with: the job's settings, {@code extra} on top, the
   * dashboard and REST API on 127.0.0.1:{dashboard-port}, a slot per unit of parallelism or
   * trainer, whichever are more.
   */
  public static Configuration localConfiguration(F2cConfig config, Configuration extra) {
    Configuration conf = jobConfiguration(config, true);
    conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse(NETWORK_BUFFER_SIZE));
    conf.addAll(extra);
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, String.valueOf(config.get(F2cOptions.DASHBOARD_PORT)));
    conf.set(RestOptions.PORT, config.get(F2cOptions.DASHBOARD_PORT));
    conf.set(
        TaskManagerOptions.NUM_TASK_SLOTS,
        Math.max(config.get(F2cOptions.TRAINERS), config.get(F2cOptions.PARALLELISM)));
    return conf;
  }
}
