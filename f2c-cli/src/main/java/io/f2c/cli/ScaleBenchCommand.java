package io.f2c.cli;

import com.google.gson.JsonObject;
import io.f2c.cli.bench.IdentityScaleBenchmark;
import io.f2c.cli.bench.IdentityScaleReport;
import io.f2c.cli.bench.SoakBenchmark;
import io.f2c.cli.bench.SoakReport;
import io.f2c.cli.config.ToolOptions;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.kafka.embedded.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code f2c bench identities} and {@code f2c bench soak}: the whole job at scale and over time.
 */
final class ScaleBenchCommand {
  private ScaleBenchCommand() {}

  /** The whole job at growing numbers of identities, each N in a fresh job on one broker. */
  static int identities(F2cConfig config, PrintStream out, PrintStream err) throws Exception {
    List<Integer> counts =
        Arrays.stream(config.get(ToolOptions.BENCH_IDENTITIES).split(","))
            .map(Integer::parseInt)
            .toList();
    boolean json = config.get(ToolOptions.JSON);
    PrintStream log = json ? err : out;
    Path dir = config.get(ToolOptions.BENCH_DIR).toAbsolutePath();
    Files.createDirectories(dir);
    String setup =
        setup(config)
            + String.format(
                Locale.ROOT,
                ", %d images per identity, %d timed steps",
                config.get(ToolOptions.BENCH_IMAGES_EACH),
                config.get(ToolOptions.BENCH_TIMED_STEPS));
    log.println("bench identities: " + setup);
    try (KafkaForBench kafka = KafkaForBench.of(config)) {
      String bootstrap = kafka.bootstrapServers();
      IdentityScaleBenchmark bench =
          new IdentityScaleBenchmark(
              config.with(F2cOptions.BOOTSTRAP_SERVERS, bootstrap),
              dir,
              config.get(ToolOptions.BENCH_IMAGES_EACH),
              config.get(ToolOptions.BENCH_TIMED_STEPS),
              log);
      List<IdentityScaleBenchmark.Point> points = new ArrayList<>();
      for (int n : counts) {
        log.printf(Locale.ROOT, "N = %,d identities ...%n", n);
        points.add(bench.run(n));
        // After each N, so that a long run stopped early keeps what it measured.
        Files.writeString(
            dir.resolve("identities.json"), IdentityScaleReport.json(points, setup) + "\n");
      }
      JsonObject summary = IdentityScaleReport.json(points, setup);
      if (!json) {
        IdentityScaleReport.printTable(points, out);
        IdentityScaleReport.plot(points, dir.resolve("identities.png"));
        out.println("plot: " + dir.resolve("identities.png"));
      }
      out.println(summary);
      return 0;
    }
  }

  /** Trains for --minutes with the demo's setup, sampling memory and handles; slopes, CSV, PNG. */
  static int soak(F2cConfig config, PrintStream out, PrintStream err) throws Exception {
    boolean json = config.get(ToolOptions.JSON);
    PrintStream log = json ? err : out;
    Path dir = config.get(ToolOptions.BENCH_DIR).toAbsolutePath();
    Files.createDirectories(dir);
    double minutes = config.get(ToolOptions.SOAK_MINUTES);
    double warmUp = config.get(ToolOptions.SOAK_WARM_UP_MINUTES);
    if (warmUp >= minutes) {
      throw new F2cConfig.UsageException(
          "--warm-up-minutes ("
              + warmUp
              + ") must be shorter than --minutes ("
              + minutes
              + "): the slopes are taken after the warm-up");
    }
    String setup =
        setup(config) + String.format(Locale.ROOT, ", rate %.0f/s", config.get(F2cOptions.RATE));
    log.println("bench soak: " + setup + ", " + minutes + " minutes");
    SoakBenchmark.Burst burst =
        config.get(ToolOptions.BURST_AT_MINUTES) > 0
            ? new SoakBenchmark.Burst(
                config.get(ToolOptions.BURST_AT_MINUTES),
                config.get(ToolOptions.BURST_MINUTES),
                config.get(ToolOptions.BURST_FACTOR))
            : SoakBenchmark.Burst.NONE;
    try (KafkaForBench kafka = KafkaForBench.of(config)) {
      String bootstrap = kafka.bootstrapServers();
      SoakBenchmark.Result result;
      try (SoakReport csv = new SoakReport(dir.resolve("soak.csv"))) {
        result =
            new SoakBenchmark(config.with(F2cOptions.BOOTSTRAP_SERVERS, bootstrap), dir, log)
                .run(
                    minutes,
                    config.get(ToolOptions.SOAK_SAMPLE_SECONDS),
                    minutes / 2,
                    burst,
                    sample -> {
                      csv.add(sample);
                      log.printf(
                          Locale.ROOT,
                          "  [%5.1f min] RSS %.0f MiB, heap %.0f MiB, native arrays %d, step %d, lag %d%n",
                          sample.minutes(),
                          sample.rssBytes() / 1048576.0,
                          sample.heapBytes() / 1048576.0,
                          sample.nativeArrays(),
                          sample.trainerStep(),
                          sample.lag());
                    });
      }
      JsonObject summary = SoakReport.json(result, warmUp, setup, burst);
      Files.writeString(dir.resolve("soak.json"), summary + "\n");
      if (!json) {
        SoakReport.printSlopes(result, warmUp, out);
        SoakReport.plot(result, dir.resolve("soak.png"));
        out.println("CSV: " + dir.resolve("soak.csv") + ", plot: " + dir.resolve("soak.png"));
      }
      out.println(summary);
      return 0;
    }
  }

  /** --bootstrap-servers, or an embedded broker for the benchmark's duration. */
  record KafkaForBench(String bootstrapServers, EmbeddedKafkaBroker broker)
      implements AutoCloseable {
    static KafkaForBench of(F2cConfig config) throws Exception {
      String bootstrap = config.get(F2cOptions.BOOTSTRAP_SERVERS);
      if (!bootstrap.isEmpty()) {
        return new KafkaForBench(bootstrap, null);
      }
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
      return new KafkaForBench(broker.bootstrapServers(), broker);
    }

    @Override
    public void close() {
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** The settings a figure depends on, for the JSON line. */
  static String setup(F2cConfig config) {
    return String.format(
        Locale.ROOT,
        "%s, %d px, pool %d, parallelism %d, torch threads %s, JVM %s",
        config.get(F2cOptions.BACKBONE),
        config.get(F2cOptions.INPUT_SIZE),
        config.get(F2cOptions.POOL_SIZE),
        config.get(F2cOptions.PARALLELISM),
        System.getProperty("ai.djl.pytorch.num_threads", "default"),
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-Xmx"))
            .findFirst()
            .orElse("default heap"));
  }
}
