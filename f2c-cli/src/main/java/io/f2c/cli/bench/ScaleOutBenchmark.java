package io.f2c.cli.bench;

import io.f2c.cli.runtime.LocalPipeline;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.kafka.StartFrom;
import io.f2c.job.kafka.Topics;
import io.f2c.synthetic.SyntheticFaces;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Training throughput of K trainers against one: every run is a fresh job on one embedded broker
 * that reads the same topic, filled beforehand, from its start (rendering takes no CPU from the
 * jobs). After a warm-up, the images the trainers train on per second are counted over a fixed time
 * from their own counters (summed over trainer subtasks), with the averaging rounds' cost.
 */
public final class ScaleOutBenchmark {
  private final F2cConfig base;
  private final Path dir;
  private final PrintStream log;
  private String topic;

  /** One run's figures. */
  public record Run(
      int trainers,
      int threads,
      double imagesPerSecond,
      double seconds,
      long imagesTrained,
      double roundMs,
      double roundBytes,
      long rounds) {}

  public ScaleOutBenchmark(F2cConfig base, Path dir, PrintStream log) {
    this.base = base;
    this.dir = dir;
    this.log = log;
  }

  /** Sends {@code identities} x {@code imagesEach} synthetic faces, image by image. */
  public void fill(int identities, int imagesEach) throws InterruptedException {
    topic = "bench-scale-out-" + System.currentTimeMillis();
    F2cConfig c = withTopics(base, topic);
    IdentityScaleBenchmark.fill(
        c,
        new IdentityStream(
            new SyntheticFaces(c.get(F2cOptions.SEED), c.get(F2cOptions.INPUT_SIZE)),
            identities,
            imagesEach,
            0,
            c.get(F2cOptions.SEED)),
        log);
  }

  /** One job with {@code trainers} trainers of {@code threads} PyTorch threads each. */
  public Run run(int trainers, int threads, Duration warmUp, Duration measured) throws Exception {
    String tag = topic + "-k" + trainers + "-t" + threads + "-" + System.nanoTime();
    F2cConfig c =
        withTopics(base, topic)
            .with(F2cOptions.MODELS_TOPIC, tag + "-models")
            .with(F2cOptions.TRAINERS, trainers)
            .with(F2cOptions.TORCH_THREADS, threads)
            .with(F2cOptions.GROUP_ID, tag)
            .with(F2cOptions.START_FROM, StartFrom.EARLIEST)
            .with(F2cOptions.CHECKPOINT_DIR, dir.resolve(tag))
            .with(F2cOptions.DASHBOARD_PORT, 0);
    Topics.ensure(F2cJob.kafka(c), F2cJob.topics(c));
    Configuration settings = JobProbe.benchSettings(Duration.ofMillis(500));
    try (LocalPipeline pipeline = LocalPipeline.start(c, new DiscardingSink<>(), log, settings)) {
      JobProbe job = new JobProbe(pipeline, settings);
      job.awaitAllRunning();
      while (job.imagesTrained() == 0) {
        job.requireRunning();
        Thread.sleep(250);
      }
      Thread.sleep(warmUp.toMillis());
      job.refresh();
      long images0 = job.imagesTrained();
      long time0 = System.nanoTime();
      Thread.sleep(measured.toMillis());
      job.requireRunning();
      job.refresh();
      long images = job.imagesTrained() - images0;
      double seconds = (System.nanoTime() - time0) / 1e9;
      Run run =
          new Run(
              trainers,
              threads,
              images / seconds,
              seconds,
              images,
              mean(job.perTrainer("lastRoundMs")),
              mean(job.perTrainer("lastRoundBytes")),
              (long) mean(job.perTrainer("averagedRounds")));
      log.printf(
          Locale.ROOT,
          "  K=%d x %d thread(s): %.1f images/s (%,d images in %.0f s)%s%n",
          trainers,
          threads,
          run.imagesPerSecond(),
          images,
          seconds,
          trainers > 1
              ? String.format(
                  Locale.ROOT,
                  ", %d rounds, last %.0f ms and %.2f MiB each way per trainer",
                  run.rounds(),
                  run.roundMs(),
                  run.roundBytes() / 1048576.0)
              : "");
      return run;
    }
  }

  private static F2cConfig withTopics(F2cConfig config, String topic) {
    return config
        .with(F2cOptions.IMAGES_TOPIC, topic)
        .with(F2cOptions.DEAD_LETTER_TOPIC, topic + "-dlq")
        .with(F2cOptions.MODELS_TOPIC, topic + "-models");
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
