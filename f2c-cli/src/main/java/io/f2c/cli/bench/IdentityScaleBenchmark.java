package io.f2c.cli.bench;

import com.google.gson.JsonObject;
import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.runtime.LocalPipeline;
import io.f2c.job.F2cJob;
import io.f2c.job.calibration.HeldOutIdentities;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.ModelVersionOptions;
import io.f2c.job.kafka.Topics;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.synthetic.SyntheticFaces;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The whole job at N identities: an embedded broker's topic receives N synthetic identities with a
 * few images each, then more images of identities already seen; the job (RocksDB, incremental
 * checkpoints, exactly-once publishing) trains on them. Measured once all N are in: the trainer's
 * wall time per step over a run of steps, ingest images/s while the N arrived, state and checkpoint
 * figures from the REST API, this process's heap and RSS (broker, Flink and trainer all live here),
 * and the time a new job takes to restore the last checkpoint.
 */
public final class IdentityScaleBenchmark {
  private final F2cConfig base;
  private final Path dir;
  private final int imagesEach;
  private final int timedSteps;
  private final PrintStream log;

  /** One N's figures; -1 (or NaN) where a figure could not be read. */
  public record Point(
      int identities,
      long identitiesSeen,
      double stepMs,
      double ingestImagesPerSecond,
      double replaysPerSecond,
      long samplesDropped,
      long stateBytes,
      long loaderStateBytes,
      double checkpointMs,
      long checkpointIncrementalBytes,
      double restoreMs,
      double startMs,
      long heapBytes,
      long rssBytes) {
    /** RocksDB bytes of the identity loader (registry, reservoirs, timers) per identity seen. */
    public double bytesPerIdentity() {
      return identitiesSeen > 0 ? loaderStateBytes / (double) identitiesSeen : Double.NaN;
    }
  }

  /**
   * @param base the job's settings, bootstrap servers of a running broker included
   * @param dir where each N's checkpoints go
   * @param timedSteps trainer steps timed once all N identities are in
   */
  public IdentityScaleBenchmark(
      F2cConfig base, Path dir, int imagesEach, int timedSteps, PrintStream log) {
    this.base = base;
    this.dir = dir;
    this.imagesEach = imagesEach;
    this.timedSteps = timedSteps;
    this.log = log;
  }

  /** Streams {@code identities} identities through a fresh job, measures, restores. */
  public Point run(int identities) throws Exception {
    String tag = "bench-ids-" + identities + "-" + System.currentTimeMillis();
    F2cConfig c =
        base.with(F2cOptions.IMAGES_TOPIC, tag)
            .with(F2cOptions.DEAD_LETTER_TOPIC, tag + "-dlq")
            .with(F2cOptions.MODELS_TOPIC, tag + "-models")
            .with(F2cOptions.CHECKPOINT_DIR, dir.resolve(tag))
            .with(F2cOptions.DASHBOARD_PORT, 0);
    // Step counts read every half second, not every 10 s, so a timed run of steps is exact to
    // within a second.
    Configuration settings = JobProbe.benchSettings(Duration.ofMillis(500));
    long extra = (timedSteps + 200L) * c.get(F2cOptions.INSTANCE_BATCH);
    IdentityStream stream =
        new IdentityStream(
            new SyntheticFaces(c.get(F2cOptions.SEED), c.get(F2cOptions.INPUT_SIZE)),
            identities,
            imagesEach,
            extra,
            c.get(F2cOptions.SEED));
    fill(c, stream, log);
    Measured measured;
    long start = System.nanoTime();
    try (LocalPipeline pipeline = LocalPipeline.start(c, new DiscardingSink<>(), log, settings)) {
      JobProbe job = new JobProbe(pipeline, settings);
      job.awaitAllRunning();
      double startMs = (System.nanoTime() - start) / 1e6;
      measured = measure(job, stream, identities);
      measured.startMs = startMs;
    }
    // The job went on checkpointing after the measurement; only its last checkpoint is kept.
    measured.checkpointPath = lastRetainedCheckpoint(dir.resolve(tag));
    double restoreMs = restore(c, settings, measured);
    return new Point(
        identities,
        measured.identitiesSeen,
        measured.stepMs,
        measured.ingest,
        measured.replaysPerSecond,
        measured.dropped,
        measured.stateBytes,
        measured.loaderStateBytes,
        measured.checkpointMs,
        measured.incrementalBytes,
        restoreMs,
        measured.startMs,
        measured.heap,
        measured.rss);
  }

  /**
   * Sends the whole stream before the job starts, so that rendering and sending take no CPU from
   * the job while it is measured.
   */
  /** Sends every image of {@code stream} to the images topic of {@code c}; fails if one is lost. */
  static void fill(F2cConfig c, IdentityStream stream, PrintStream log)
      throws InterruptedException {
    KafkaClientConfig kafka = F2cJob.kafka(c);
    Topics.ensure(kafka, F2cJob.topics(c));
    long start = System.nanoTime();
    try (FaceImageProducer producer =
        new FaceImageProducer(
            kafka, c.get(F2cOptions.IMAGES_TOPIC), c.get(F2cOptions.MAX_IMAGE_BYTES))) {
      producer.run(stream, 0, 0);
      producer.flush();
      if (producer.failed() > 0) {
        throw new IllegalStateException(
            producer.failed() + " images could not be sent, e.g. " + producer.failures().get(0));
      }
      log.printf(
          Locale.ROOT,
          "  sent %,d images in %.0f s%n",
          producer.sent(),
          (System.nanoTime() - start) / 1e9);
    }
  }

  /** What one run measured before the restore. */
  private static final class Measured {
    long identitiesSeen;
    double stepMs;
    double ingest;
    double replaysPerSecond;
    long dropped;
    long stateBytes = -1;
    long loaderStateBytes = -1;
    double checkpointMs = Double.NaN;
    long incrementalBytes = -1;
    Path checkpointPath;
    double startMs;
    long heap;
    long rss;
  }

  private Measured measure(JobProbe job, IdentityStream stream, int identities) throws Exception {
    Measured m = new Measured();
    long fillImages = stream.fillImages();
    long training = trainingIdentities(identities);
    // From all tasks running (the caller waited for them): a small topic can be read whole before
    // the first metric refresh shows anything read.
    long fillStart = System.nanoTime();
    long lastReport = System.nanoTime();
    // Until the identity loader has every identity that is not held out: images read from Kafka
    // can still wait in the network buffers before it.
    while (job.identitiesSeen() < training) {
      job.requireRunning();
      if (System.nanoTime() - lastReport > 30_000_000_000L) {
        lastReport = System.nanoTime();
        log.printf(
            Locale.ROOT,
            "  N=%,d: %,d of %,d images read, %,d identities, step %d%n",
            identities,
            job.consumed(),
            fillImages,
            job.identitiesSeen(),
            job.step());
      }
      sampleMemory(m);
      Thread.sleep(250);
    }
    m.ingest = fillImages / ((System.nanoTime() - fillStart) / 1e9);
    long step0 = job.step();
    long replays0 = job.replays();
    long dropped0 = job.dropped();
    long time0 = System.nanoTime();
    long wallClock0 = System.currentTimeMillis();
    long step = step0;
    while (step < step0 + timedSteps) {
      job.requireRunning();
      sampleMemory(m);
      Thread.sleep(250);
      step = job.step();
    }
    double seconds = (System.nanoTime() - time0) / 1e9;
    m.stepMs = seconds * 1000 / (step - step0);
    m.replaysPerSecond = (job.replays() - replays0) / seconds;
    m.dropped = job.dropped() - dropped0;
    m.identitiesSeen = job.identitiesSeen();
    checkpoints(job, wallClock0, m);
    log.printf(
        Locale.ROOT,
        "  N=%,d: %.1f ms per step over %d steps, %,d identities in the loader%n",
        identities,
        m.stepMs,
        step - step0,
        m.identitiesSeen);
    return m;
  }

  /** Identities of the N that reach the identity loader: those the job does not hold out. */
  private long trainingIdentities(int identities) {
    double share = base.get(ModelVersionOptions.HELD_OUT_SHARE);
    return IntStream.range(0, identities)
        .filter(i -> !HeldOutIdentities.isHeldOut(SyntheticFaces.identityId(i), share))
        .count();
  }

  private static void sampleMemory(Measured m) {
    m.heap = Math.max(m.heap, ProcessMemory.heapBytes());
    m.rss = Math.max(m.rss, ProcessMemory.rssBytes());
  }

  /**
   * Checkpoint figures over those completed since {@code sinceMillis} (waiting for one if none
   * has): the median duration and incremental size, the full and the loader's state size and the
   * path of the last.
   */
  private void checkpoints(JobProbe job, long sinceMillis, Measured m) throws InterruptedException {
    // Three intervals, and at least half a minute: with short intervals on a busy machine a
    // checkpoint can take longer than three of them.
    long deadline =
        System.nanoTime()
            + Math.max(30_000L, 3 * base.get(F2cOptions.CHECKPOINT_INTERVAL_MS)) * 1_000_000L;
    List<JsonObject> recent = List.of();
    while (recent.isEmpty() && System.nanoTime() < deadline) {
      recent =
          job.completedCheckpoints().stream()
              .filter(cp -> number(cp, "trigger_timestamp") >= sinceMillis)
              .toList();
      if (recent.isEmpty()) {
        Thread.sleep(500);
      }
    }
    if (recent.isEmpty()) {
      throw new IllegalStateException(
          "no checkpoint completed within 3 checkpoint intervals (at least 30 s) of the timed steps");
    }
    m.checkpointMs = median(recent.stream().mapToDouble(cp -> number(cp, "end_to_end_duration")));
    m.incrementalBytes =
        (long) median(recent.stream().mapToDouble(cp -> number(cp, "checkpointed_size")));
    JsonObject last = recent.get(recent.size() - 1);
    m.stateBytes = JobProbe.stateWithoutInFlight(last);
    m.loaderStateBytes = job.loaderStateBytes(number(last, "id"));
  }

  /** Starts a new job from the last checkpoint: milliseconds until all its tasks run. */
  private double restore(F2cConfig c, Configuration settings, Measured m) throws Exception {
    Configuration restoring = new Configuration(settings);
    restoring.set(StateRecoveryOptions.SAVEPOINT_PATH, m.checkpointPath.toUri().toString());
    long start = System.nanoTime();
    try (LocalPipeline pipeline = LocalPipeline.start(c, new DiscardingSink<>(), log, restoring)) {
      JobProbe job = new JobProbe(pipeline, restoring);
      job.awaitAllRunning();
      double ms = (System.nanoTime() - start) / 1e6;
      // The registry's count is operator state: seeing it again shows the state came back.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (job.identitiesSeen() < m.identitiesSeen && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      if (job.identitiesSeen() < m.identitiesSeen) {
        throw new IllegalStateException(
            "the restored job knows "
                + job.identitiesSeen()
                + " identities, the checkpoint "
                + m.identitiesSeen);
      }
      return ms;
    }
  }

  /** The newest complete checkpoint ({@code chk-N} with its metadata) under a job's directory. */
  static Path lastRetainedCheckpoint(Path checkpointDir) throws IOException {
    try (Stream<Path> files = Files.walk(checkpointDir, 3)) {
      return files
          .filter(f -> f.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(chk -> chk.getFileName().toString().startsWith("chk-"))
          .max(
              Comparator.comparingLong(
                  chk -> Long.parseLong(chk.getFileName().toString().substring(4))))
          .orElseThrow(
              () -> new IllegalStateException("no retained checkpoint under " + checkpointDir));
    }
  }

  static long number(JsonObject json, String name) {
    return json.has(name) && json.get(name).isJsonPrimitive() ? json.get(name).getAsLong() : -1;
  }

  private static double median(DoubleStream values) {
    double[] sorted = values.sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
