package io.f2c.cli.bench;

import io.f2c.cli.config.ToolOptions;
import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.produce.FaceSource;
import io.f2c.cli.runtime.LocalPipeline;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.kafka.Topics;
import io.f2c.synthetic.SyntheticFaces;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Trains for a given time with the demo's setup (embedded broker, RocksDB, exactly-once publishing,
 * a producer at {@code --rate}) and samples this process every interval: RSS, heap, direct buffers,
 * the trainer's native tensors, RocksDB's memory, file descriptors and threads. Halfway through,
 * the job is cancelled and a new one restores its last checkpoint, as a failover would, and the
 * soak goes on; the samples show whether either leaves memory behind.
 */
public final class SoakBenchmark {
  /** RocksDB's memory figures the job reports (memtables, table readers, block cache). */
  static final List<String> ROCKSDB_METRICS =
      List.of("cur-size-all-mem-tables", "estimate-table-readers-mem", "block-cache-usage");

  private final F2cConfig config;
  private final Path dir;
  private final PrintStream log;

  /** One sample of the process and the job. */
  public record Sample(
      double minutes,
      long rssBytes,
      long heapBytes,
      long directBytes,
      long nativeArrays,
      long nativeArrayBytes,
      long rocksDbBytes,
      long fileDescriptors,
      int threads,
      long trainerStep,
      long imagesRead,
      long lag,
      double sendRate) {}

  /** Sending at {@code factor} times the rate from {@code atMinutes} for {@code minutes}. */
  public record Burst(double atMinutes, double minutes, double factor) {
    public static final Burst NONE = new Burst(0, 0, 1);

    boolean on(double minute) {
      return minutes > 0 && minute >= atMinutes && minute < atMinutes + minutes;
    }
  }

  /** The run: its samples and the restore's duration. */
  public record Result(List<Sample> samples, double restoreMs, double restoredAtMinutes) {}

  public SoakBenchmark(F2cConfig config, Path dir, PrintStream log) {
    this.config = config;
    this.dir = dir;
    this.log = log;
  }

  /**
   * Soaks for {@code minutes}, sampling every {@code sampleSeconds}, restoring once after {@code
   * restoreAtMinutes}; {@code onSample} sees each sample as it is taken.
   */
  public Result run(
      double minutes,
      long sampleSeconds,
      double restoreAtMinutes,
      Burst burst,
      Consumer<Sample> onSample)
      throws Exception {
    F2cConfig c =
        config
            .with(F2cOptions.CHECKPOINT_DIR, dir.resolve("checkpoints"))
            .with(F2cOptions.DASHBOARD_PORT, 0);
    Configuration settings = JobProbe.benchSettings(Duration.ofSeconds(2));
    for (String metric : ROCKSDB_METRICS) {
      settings.set(
          ConfigOptions.key("state.backend.rocksdb.metrics." + metric)
              .booleanType()
              .noDefaultValue(),
          true);
    }
    Topics.ensure(F2cJob.kafka(c), F2cJob.topics(c));
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    rate = c.get(F2cOptions.RATE);
    double restoreMs = Double.NaN;
    double restoredAt = Double.NaN;
    try (FaceImageProducer producer =
        new FaceImageProducer(
            F2cJob.kafka(c), c.get(F2cOptions.IMAGES_TOPIC), c.get(F2cOptions.MAX_IMAGE_BYTES))) {
      Thread sending = new Thread(() -> send(producer, c, burst, start), "soak-producer");
      sending.setDaemon(true);
      sending.start();
      LocalPipeline pipeline = LocalPipeline.start(c, new DiscardingSink<>(), log, settings);
      try {
        JobProbe job = new JobProbe(pipeline, settings);
        long nextSample = start;
        while (minutesSince(start) < minutes) {
          if (Double.isNaN(restoreMs) && minutesSince(start) >= restoreAtMinutes) {
            long restoring = System.nanoTime();
            pipeline.close();
            pipeline = null;
            Configuration from = new Configuration(settings);
            from.set(
                StateRecoveryOptions.SAVEPOINT_PATH,
                IdentityScaleBenchmark.lastRetainedCheckpoint(dir.resolve("checkpoints"))
                    .toUri()
                    .toString());
            pipeline = LocalPipeline.start(c, new DiscardingSink<>(), log, from);
            job = new JobProbe(pipeline, from);
            job.awaitAllRunning();
            restoreMs = (System.nanoTime() - restoring) / 1e6;
            restoredAt = minutesSince(start);
            log.printf(Locale.ROOT, "  restored the last checkpoint in %.0f ms%n", restoreMs);
          }
          job.requireRunning();
          if (System.nanoTime() >= nextSample) {
            job.refresh();
            Sample sample = sample(minutesSince(start), job, c, burst);
            samples.add(sample);
            onSample.accept(sample);
            nextSample += sampleSeconds * 1_000_000_000L;
          }
          Thread.sleep(500);
        }
      } finally {
        producer.stop();
        if (pipeline != null) {
          pipeline.close();
        }
      }
      if (producer.failed() > 0) {
        throw new IllegalStateException(
            producer.failed() + " images could not be sent, e.g. " + producer.failures().get(0));
      }
    }
    return new Result(samples, restoreMs, restoredAt);
  }

  /** Sends at the rate, or at the burst's multiple of it, a second's worth at a time. */
  private static void send(FaceImageProducer producer, F2cConfig c, Burst burst, long start) {
    FaceSource faces =
        FaceSource.synthetic(
            new SyntheticFaces(c.get(F2cOptions.SEED), c.get(F2cOptions.INPUT_SIZE)),
            c.get(ToolOptions.SYNTHETIC_IDENTITIES),
            c.get(ToolOptions.SYNTHETIC_IMAGES),
            true,
            c.get(F2cOptions.SEED));
    double base = c.get(F2cOptions.RATE);
    try {
      while (true) {
        double rate = burst.on(minutesSince(start)) ? base * burst.factor() : base;
        if (producer.run(faces, rate, Math.max(1, (long) rate)) == 0) {
          return; // stopped
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double minutesSince(long start) {
    return (System.nanoTime() - start) / 60e9;
  }

  private double rate;

  private Sample sample(double minutes, JobProbe job, F2cConfig c, Burst burst) {
    long direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct"))
            .mapToLong(BufferPoolMXBean::getMemoryUsed)
            .sum();
    return new Sample(
        minutes,
        ProcessMemory.rssBytes(),
        ProcessMemory.heapBytes(),
        direct,
        job.nativeArrays(),
        job.nativeArrayBytes(),
        job.rocksDbBytes(),
        ProcessMemory.fileDescriptors(),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        job.step(),
        job.consumed(),
        Topics.lag(F2cJob.kafka(c), c.get(F2cOptions.IMAGES_TOPIC), c.get(F2cOptions.GROUP_ID)),
        burst.on(minutes) ? rate * burst.factor() : rate);
  }
}
