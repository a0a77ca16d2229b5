package io.f2c.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.f2c.cli.bench.ScaleOutBenchmark;
import io.f2c.cli.config.ToolOptions;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code f2c bench scale-out}: K = 2 trainers against one, in alternating runs. */
final class ScaleOutCommand {
  /** Identities and images of each in the topic every run reads from its start. */
  static final int IDENTITIES = 4_000;

  static final int IMAGES_EACH = 8;

  private ScaleOutCommand() {}

  static int run(F2cConfig config, PrintStream out, PrintStream err) throws Exception {
    boolean json = config.get(ToolOptions.JSON);
    PrintStream log = json ? err : out;
    Path dir = config.get(ToolOptions.BENCH_DIR).toAbsolutePath();
    Files.createDirectories(dir);
    Duration warmUp = Duration.ofSeconds(config.get(ToolOptions.SCALE_OUT_WARM_UP_SECONDS));
    Duration timed = Duration.ofSeconds(config.get(ToolOptions.SCALE_OUT_SECONDS));
    String setup =
        ScaleBenchCommand.setup(config)
            + String.format(
                Locale.ROOT,
                ", average every %d steps, %d s warm-up, %d s timed, %d cores",
                config.get(F2cOptions.AVERAGE_EVERY_STEPS),
                warmUp.toSeconds(),
                timed.toSeconds(),
                Runtime.getRuntime().availableProcessors());
    log.println("bench scale-out: " + setup);
    List<ScaleOutBenchmark.Run> runs = new ArrayList<>();
    try (ScaleBenchCommand.KafkaForBench kafka = ScaleBenchCommand.KafkaForBench.of(config)) {
      ScaleOutBenchmark bench =
          new ScaleOutBenchmark(
              config.with(F2cOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers()), dir, log);
      bench.fill(IDENTITIES, IMAGES_EACH);
      for (int round = 1; round <= config.get(ToolOptions.SCALE_OUT_ROUNDS); round++) {
        log.println("round " + round + ":");
        runs.add(bench.run(1, 1, warmUp, timed));
        runs.add(bench.run(2, 1, warmUp, timed));
        runs.add(bench.run(1, 2, warmUp, timed));
      }
    }
    JsonObject summary = summary(runs, setup);
    Files.writeString(dir.resolve("scale-out.json"), summary + "\n");
    out.println(summary);
    return 0;
  }

  /** Medians over rounds per setting, the speedups, and every run. */
  static JsonObject summary(List<ScaleOutBenchmark.Run> runs, String setup) {
    double k1 = median(runs, 1, 1);
    double k2 = median(runs, 2, 1);
    double k1Threads2 = median(runs, 1, 2);
    JsonObject json = new JsonObject();
    json.addProperty("benchmark", "scale-out");
    json.addProperty("setup", setup);
    json.addProperty("images_per_second_k1", k1);
    json.addProperty("images_per_second_k2", k2);
    json.addProperty("speedup_k2", k2 / k1);
    json.addProperty("images_per_second_k1_threads2", k1Threads2);
    json.addProperty("speedup_k2_over_k1_threads2", k2 / k1Threads2);
    JsonArray all = new JsonArray();
    for (ScaleOutBenchmark.Run r : runs) {
      JsonObject run = new JsonObject();
      run.addProperty("trainers", r.trainers());
      run.addProperty("threads", r.threads());
      run.addProperty("images_per_second", r.imagesPerSecond());
      run.addProperty("images", r.imagesTrained());
      run.addProperty("seconds", r.seconds());
      if (r.trainers() > 1) {
        run.addProperty("rounds", r.rounds());
        run.addProperty("round_ms", r.roundMs());
        run.addProperty("round_bytes", r.roundBytes());
      }
      all.add(run);
    }
    json.add("runs", all);
    return json;
  }

  private static double median(List<ScaleOutBenchmark.Run> runs, int trainers, int threads) {
    double[] values =
        runs.stream()
            .filter(r -> r.trainers() == trainers && r.threads() == threads)
            .mapToDouble(ScaleOutBenchmark.Run::imagesPerSecond)
            .sorted()
            .toArray();
    int n = values.length;
    return n == 0
        ? Double.NaN
        : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
