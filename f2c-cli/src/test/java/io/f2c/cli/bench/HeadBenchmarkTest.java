package io.f2c.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.model.backbone.Backbone;
import io.f2c.testing.TinyTrainers;
import io.f2c.training.TrainerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head benchmark's mechanics on tiny sizes (the figures themselves come from ./f2c bench head).
 */
class HeadBenchmarkTest {

  @Test
  void measuresBothHeadsAndReportsAnFcHeadThatCannotFit(@TempDir Path tmp) throws Exception {
    HeadBenchmark bench =
        new HeadBenchmark(
            TrainerConfig.builder().network(Backbone.SMALL_CNN, 16, TinyTrainers.SPEC).build(),
            8,
            1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<HeadBenchmark.Point> points =
        bench.run(
            List.of(200L, 50_000_000_000L),
            List.of("20", "5"),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    assertEquals(4, points.size());
    HeadBenchmark.Point small = points.get(0);
    assertTrue(small.fcFits() && small.fcMs() > 0 && small.dcpMs() > 0, small.toString());
    assertEquals(5, points.get(1).pool());

    HeadBenchmark.Point huge = points.get(2);
    assertFalse(huge.fcFits());
    assertTrue(Double.isNaN(huge.fcMs()));
    assertTrue(huge.dcpMs() > 0);
    assertTrue(
        log.toString(StandardCharsets.UTF_8).contains("FC head does not fit"), log.toString());
    assertTrue(huge.json().contains("\"fc_ms\":null"), huge.json());
    assertTrue(huge.json().startsWith("{\"ids\":50000000000,\"pool\":20,"), huge.json());
    // The DCP head's memory depends on Q only; the FC head's grows with N.
    assertEquals(small.dcpBytes(), huge.dcpBytes());
    assertEquals(bench.fcBytes(200) * 250_000_000L, huge.fcBytes());
    assertEquals((3L * 200 * 16 + 8L * 200) * 4, small.fcBytes());
    assertEquals((2L * 20 * 16 + 2L * 8 * 20) * 4, small.dcpBytes());

    Path png = tmp.resolve("plot.png");
    HeadBenchmarkReport.plot(points, png);
    assertTrue(Files.size(png) > 1000);
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    HeadBenchmarkReport.printTable(points, new PrintStream(table, true, StandardCharsets.UTF_8));
    assertTrue(table.toString(StandardCharsets.UTF_8).contains("no fit"), table.toString());
  }

  @Test
  void aPoolTooLargeForMemoryIsRefusedUpFront() {
    HeadBenchmark bench =
        new HeadBenchmark(
            TrainerConfig.builder().network(Backbone.SMALL_CNN, 512, TinyTrainers.SPEC).build(),
            128,
            1);
    var e =
        Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                bench.run(
                    List.of(100_000_000_000L),
                    List.of("1%"),
                    new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }

  @Test
  void poolSizesAreCountsOrShares() {
    assertEquals(10_000, HeadBenchmark.poolSize("10000", 10_000_000L));
    assertEquals(100_000, HeadBenchmark.poolSize("1%", 10_000_000L));
    assertEquals(1, HeadBenchmark.poolSize("1%", 10L));
  }
}
