package io.f2c.cli;

import io.f2c.bench.HeadBenchmark;
import io.f2c.bench.HeadBenchmarkReport;
import io.f2c.config.F2cConfig;
import io.f2c.config.F2cOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code f2c bench head}: the classification head's time and memory, DCP against FC, as N grows. */
final class BenchCommand {
  private BenchCommand() {}

  static int head(F2cConfig config, PrintStream out, PrintStream err) throws IOException {
    List<Long> ids = Arrays.stream(config.get(F2cOptions.BENCH_IDS).split(",")).map(Long::parseLong).toList();
    List<String> pools = List.of(config.get(F2cOptions.BENCH_POOL).split(","));
    HeadBenchmark bench = new HeadBenchmark(config.get(F2cOptions.EMBEDDING_DIM), config.get(F2cOptions.BATCH),
        config.get(F2cOptions.BENCH_STEPS));
    err.printf("bench head: D=%d, batch %d per step, %d timed DCP steps per point (median), torch threads %s%n",
        config.get(F2cOptions.EMBEDDING_DIM), config.get(F2cOptions.BATCH), config.get(F2cOptions.BENCH_STEPS),
        System.getProperty("ai.djl.pytorch.num_threads", "2"));
    List<HeadBenchmark.Point> points = bench.run(ids, pools, err);
    if (!config.get(F2cOptions.JSON)) {
      HeadBenchmarkReport.printTable(points, out);
      HeadBenchmarkReport.plot(points, config.get(F2cOptions.PLOT));
      out.println("plot: " + config.get(F2cOptions.PLOT).toAbsolutePath());
    }
    points.forEach(p -> out.println(p.json()));
    return 0;
  }
}
