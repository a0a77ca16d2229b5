package io.f2c.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakReportTest {
  @TempDir Path tmp;

  /** RSS of 1,000 MiB plus {@code perMinute} MiB a minute, with a jump during the warm-up. */
  private static List<SoakBenchmark.Sample> samples(double perMinute) {
    List<SoakBenchmark.Sample> samples = new ArrayList<>();
    for (int minute = 0; minute <= 60; minute += 5) {
      double mib = 1000 + perMinute * minute + (minute < 15 ? -300 : 0);
      samples.add(
          new SoakBenchmark.Sample(
              minute, (long) (mib * 1048576), 0, 0, 90, 0, 0, 300, 180, minute * 10L, 0, 0, 1));
    }
    return samples;
  }

  @Test
  void theSlopeIsTakenAfterTheWarmUpOnly() {
    var rss = SoakReport.MEASURES.get("rss_mib");
    // 0.05 MiB a minute is 3 MiB an hour; the warm-up's jump of 300 MiB is left out.
    assertEquals(3.0, SoakReport.slopePerHour(samples(0.05), 15, rss), 1e-6);
    double withWarmUp = SoakReport.slopePerHour(samples(0.05), 0, rss);
    assertTrue(withWarmUp > 200, "with the warm-up it is steep: " + withWarmUp);
    assertEquals(
        0.0, SoakReport.slopePerHour(samples(0.05), 15, SoakReport.MEASURES.get("threads")));
    assertTrue(Double.isNaN(SoakReport.slopePerHour(samples(0), 60, rss)), "one sample: no slope");
  }

  @Test
  void aStepAtTheRestoreIsNotATrend() {
    // 3 MiB an hour throughout, and 500 MiB more from the restore at minute 60 on.
    List<SoakBenchmark.Sample> samples = new ArrayList<>();
    for (int minute = 0; minute <= 120; minute += 5) {
      double mib = 1000 + 0.05 * minute + (minute >= 60 ? 500 : 0);
      samples.add(
          new SoakBenchmark.Sample(
              minute, (long) (mib * 1048576), 0, 0, 90, 0, 0, 300, 180, 0, 0, 0, 1));
    }
    var rss = SoakReport.MEASURES.get("rss_mib");
    assertEquals(3.0, SoakReport.slopePerHour(samples, 15, 60, rss), 1e-6);
    double across = SoakReport.slopePerHour(samples, 15, rss);
    assertTrue(across > 300, "read across the restore, the step looks like a trend: " + across);
  }

  @Test
  void aBurstShowsItsPeakLagAndWhenItDrained() {
    long[] lags = {50, 40, 50, 2000, 3000, 1500, 80, 60, 60, 50, 40};
    List<SoakBenchmark.Sample> samples = new ArrayList<>();
    for (int minute = 0; minute < lags.length; minute++) {
      long rss = (minute >= 3 && minute <= 5 ? 1200 : 1000) * 1048576L;
      samples.add(
          new SoakBenchmark.Sample(minute, rss, 0, 0, 90, 0, 0, 300, 180, 0, 0, lags[minute], 40));
    }
    var burst = SoakReport.burst(samples, new SoakBenchmark.Burst(3, 1, 10));
    assertEquals(50, burst.get("lag_before").getAsLong());
    assertEquals(3000, burst.get("peak_lag").getAsLong());
    assertEquals(40, burst.get("lag_at_end").getAsLong());
    // The burst ends at minute 4; minute 6 is the first at or under max(2 x 50, 100).
    assertEquals(2.0, burst.get("drained_minutes_after_burst").getAsDouble(), 1e-9);
    assertEquals(1000.0, burst.get("rss_mib_before").getAsDouble(), 1e-9);
    assertEquals(1200.0, burst.get("rss_mib_peak_after").getAsDouble(), 1e-9);
  }

  @Test
  void theCsvHoldsEverySampleAsItComes() throws Exception {
    Path csv = tmp.resolve("soak.csv");
    try (SoakReport report = new SoakReport(csv)) {
      samples(1).forEach(report::add);
      // Flushed per sample: readable before the report is closed.
      assertEquals(1 + 13, Files.readAllLines(csv).size());
    }
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).startsWith("minutes,rss_mib,heap_mib"), lines.get(0));
    assertEquals("60.00,1060.00", lines.get(13).substring(0, 13));
    assertEquals(
        lines.get(0).split(",").length,
        lines.get(13).split(",").length,
        "every column of the header: " + lines.get(13));
  }
}
