package io.f2c.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.model.backbone.Backbone;
import io.f2c.testing.TinyTrainers;
import io.f2c.training.TrainerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head benchmark's mechanics on tiny sizes (the figures themselves come from ./f2c bench head).
 */
class HeadBenchmarkTest {

  @Test
  void measuresEveryHeadAndReportsHeadsThatCannotFit(@TempDir Path tmp) throws Exception {
    HeadBenchmark bench =
        new HeadBenchmark(
            TrainerConfig.builder().network(Backbone.SMALL_CNN, 16, TinyTrainers.SPEC).build(),
            8,
            1,
            0.1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<HeadBenchmark.Point> points =
        bench.run(
            List.of(200L, 50_000_000_000L),
            List.of("20", "5"),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    assertEquals(4, points.size());
    HeadBenchmark.Point small = points.get(0);
    assertTrue(small.fcFits() && small.fcMs() > 0 && small.dcpMs() > 0, small.toString());
    assertTrue(small.partialFcFits() && small.partialFcMs() > 0, small.toString());
    assertEquals(5, points.get(1).pool());
    assertEquals(small.partialFcMs(), points.get(1).partialFcMs(), "one Partial FC run per N");

    HeadBenchmark.Point huge = points.get(2);
    assertFalse(huge.fcFits());
    assertFalse(huge.partialFcFits());
    assertTrue(Double.isNaN(huge.fcMs()) && Double.isNaN(huge.partialFcMs()));
    assertTrue(huge.dcpMs() > 0);
    String logged = log.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("N=50,000,000,000: FC head does not fit"), logged);
    assertTrue(
        logged.contains("N=50,000,000,000: Partial FC head at rate 0.1 does not fit"), logged);
    assertTrue(huge.json().contains("\"fc_ms\":null"), huge.json());
    assertTrue(huge.json().contains("\"partial_fc_ms\":null"), huge.json());
    assertTrue(huge.json().contains("\"speedup_vs_partial_fc\":null"), huge.json());
    assertTrue(huge.json().contains("\"partial_fc_fits\":false"), huge.json());
    assertTrue(huge.json().startsWith("{\"ids\":50000000000,\"pool\":20,"), huge.json());
    // The DCP head's memory depends on Q only; the FC and Partial FC heads' grow with N.
    HeadMemory memory = new HeadMemory(16, 8, 0.1);
    assertEquals(small.dcpBytes(), huge.dcpBytes());
    assertEquals(memory.fcBytes(200) * 250_000_000L, huge.fcBytes());
    assertEquals((3L * 200 * 16 + 8L * 200) * 4, small.fcBytes());
    assertEquals((2L * 20 * 16 + 2L * 8 * 20) * 4, small.dcpBytes());
    // N x D weights and momentum, K = 20 sampled rows and their gradient, B x K logits.
    assertEquals((2L * 200 * 16 + 2L * 20 * 16 + 8L * 20) * 4, small.partialFcBytes());
    long k = 5_000_000_000L;
    assertEquals((2L * 50_000_000_000L * 16 + 2L * k * 16 + 8L * k) * 4, huge.partialFcBytes());

    JsonObject json = JsonParser.parseString(small.json()).getAsJsonObject();
    assertEquals(
        List.of(
            "ids",
            "pool",
            "dcp_ms",
            "partial_fc_ms",
            "fc_ms",
            "speedup",
            "speedup_vs_partial_fc",
            "dcp_bytes",
            "partial_fc_bytes",
            "fc_bytes",
            "memory_ratio",
            "partial_fc_fits",
            "fc_fits"),
        List.copyOf(json.keySet()));
    assertEquals(small.partialFcBytes(), json.get("partial_fc_bytes").getAsLong());
    assertTrue(json.get("partial_fc_fits").getAsBoolean());
    assertEquals(
        small.partialFcMs() / small.dcpMs(),
        json.get("speedup_vs_partial_fc").getAsDouble(),
        0.051);
    assertEquals(small.fcMs() / small.dcpMs(), json.get("speedup").getAsDouble(), 0.051);
    assertEquals(small.partialFcMs(), json.get("partial_fc_ms").getAsDouble(), 0.0051);

    Path png = tmp.resolve("plot.png");
    HeadBenchmarkReport.plot(points, png);
    assertTrue(Files.size(png) > 1000);
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    HeadBenchmarkReport.printTable(points, new PrintStream(table, true, StandardCharsets.UTF_8));
    String printed = table.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("no fit") && printed.contains("PFC ms/step"), printed);
  }

  @Test
  void partialFcUsesTheSampleRateOfNOrAtLeastTheBatchsLabels() {
    HeadMemory memory = new HeadMemory(512, 128, 0.1);
    assertEquals(1_000_000, memory.partialFcSample(10_000_000));
    assertEquals(128, memory.partialFcSample(1000));
    assertEquals(10, memory.partialFcSample(10));
    assertTrue(memory.partialFcBytes(10_000_000) < memory.fcBytes(10_000_000));
    assertTrue(memory.partialFcPeakBytes(10_000_000) < memory.fcPeakBytes(10_000_000));
    assertThrows(
        IllegalArgumentException.class, () -> new HeadBenchmark(TrainerConfig.DEFAULTS, 128, 1, 0));
  }

  @Test
  void aPoolTooLargeForMemoryIsRefusedUpFront() {
    HeadBenchmark bench =
        new HeadBenchmark(
            TrainerConfig.builder().network(Backbone.SMALL_CNN, 512, TinyTrainers.SPEC).build(),
            128,
            1,
            0.1);
    var e =
        assertThrows(
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
