package io.f2c.cli.bench;

import com.google.gson.JsonObject;
import io.f2c.cli.runtime.LocalPipeline;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MetricOptions;

/** A local pipeline's running job as its REST API shows it: counts summed over subtasks. */
final class JobProbe {
  /** Time for one refresh of the REST API's metric store beyond its update interval. */
  private static final long REFRESH_MARGIN_MS = 1_000;

  private final LocalPipeline pipeline;
  private final int port;
  private final String id;
  private final Duration metricsAge;

  /**
   * @param settings the Flink settings the pipeline was started with ({@link #benchSettings})
   */
  JobProbe(LocalPipeline pipeline, Configuration settings) {
    this.pipeline = pipeline;
    this.port = pipeline.config().get(F2cOptions.DASHBOARD_PORT);
    this.id = pipeline.job().getJobID().toString();
    this.metricsAge = settings.get(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL);
  }

  /**
   * Brings the REST API's metric values up to date. It answers from a store that a request only
   * starts refreshing, in the background, so a value read after a pause is as old as the request
   * before it: a count read at the end of a quiet minute would be the count at its start.
   */
  void refresh() throws InterruptedException {
    step();
    Thread.sleep(metricsAge.toMillis() + REFRESH_MARGIN_MS);
  }

  private long sum(String vertex, String suffix) {
    return LocalRest.vertexMetricSum(port, id, vertex, suffix).map(Double::longValue).orElse(0L);
  }

  long consumed() {
    return sum("Source: " + F2cJob.SOURCE_NAME, "." + F2cJob.DECODE_NAME + ".numRecordsIn");
  }

  long identitiesSeen() {
    return sum(F2cJob.REGISTRY_NAME, ".ingest.identitiesSeen");
  }

  long replays() {
    return sum(F2cJob.REGISTRY_NAME, ".ingest.identityReplays");
  }

  long step() {
    return sum(F2cJob.TRAINER_NAME, ".trainerStep");
  }

  /** Images the trainers have trained on, over all trainer subtasks. */
  long imagesTrained() {
    return sum(F2cJob.TRAINER_NAME, ".trainer.imagesTrained");
  }

  /** One value of a trainer metric per trainer subtask, e.g. "lastRoundMs". */
  List<Double> perTrainer(String metric) {
    return LocalRest.vertexMetrics(port, id, F2cJob.TRAINER_NAME, ".trainer." + metric).stream()
        .map(Double::parseDouble)
        .toList();
  }

  long dropped() {
    return sum(F2cJob.TRAINER_NAME, ".identitySamplesDropped");
  }

  List<JsonObject> completedCheckpoints() {
    return LocalRest.completedCheckpointHistory(port, id);
  }

  /**
   * The identity loader's state in checkpoint {@code checkpointId} (in-flight data not counted), or
   * -1.
   */
  long loaderStateBytes(long checkpointId) {
    String vertex = LocalRest.vertexId(port, id, F2cJob.REGISTRY_NAME);
    return Optional.ofNullable(vertex)
        .flatMap(
            v -> LocalRest.object(port, "/jobs/" + id + "/checkpoints/details/" + checkpointId))
        .filter(details -> details.has("tasks") && details.getAsJsonObject("tasks").has(vertex))
        .map(
            details ->
                stateWithoutInFlight(details.getAsJsonObject("tasks").getAsJsonObject(vertex)))
        .orElse(-1L);
  }

  /**
   * A checkpoint's (or a task's) state size without the in-flight records that unaligned
   * checkpoints store with it: what the operators keep.
   */
  static long stateWithoutInFlight(JsonObject stats) {
    return IdentityScaleBenchmark.number(stats, "state_size")
        - Math.max(0, IdentityScaleBenchmark.number(stats, "persisted_data"));
  }

  /**
   * Flink settings of a benchmark's jobs: the last checkpoint is kept when the job is cancelled (to
   * restore it), and the REST API's metrics are at most {@code metricsAge} old.
   */
  static Configuration benchSettings(Duration metricsAge) {
    Configuration settings = new Configuration();
    settings.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    settings.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, metricsAge);
    return settings;
  }

  long nativeArrays() {
    return sum(F2cJob.TRAINER_NAME, ".trainer.nativeArrays");
  }

  long nativeArrayBytes() {
    return sum(F2cJob.TRAINER_NAME, ".trainer.nativeArrayBytes");
  }

  /**
   * RocksDB's memory over every vertex: memtables and table readers of each state, and the block
   * cache once (the local cluster's slot shares one, and each state reports it).
   */
  long rocksDbBytes() {
    double tables = 0;
    double cache = 0;
    for (String vertex : LocalRest.vertexNames(port, id)) {
      for (String metric : SoakBenchmark.ROCKSDB_METRICS) {
        List<String> values = LocalRest.vertexMetrics(port, id, vertex, ".rocksdb_" + metric);
        for (String value : values) {
          double v = Double.parseDouble(value);
          if (metric.equals("block-cache-usage")) {
            cache = Math.max(cache, v);
          } else {
            tables += v;
          }
        }
      }
    }
    return (long) (tables + cache);
  }

  void awaitAllRunning() throws Exception {
    while (!LocalRest.allRunning(port, id)) {
      requireRunning();
      Thread.sleep(50);
    }
  }

  void requireRunning() throws Exception {
    var status = pipeline.job().getJobStatus().get(10, TimeUnit.SECONDS);
    if (status.isGloballyTerminalState()) {
      throw new IllegalStateException("the job ended with status " + status + "; see the log");
    }
  }
}
