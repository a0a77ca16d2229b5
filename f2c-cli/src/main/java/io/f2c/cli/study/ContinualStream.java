package io.f2c.cli.study;

import io.f2c.cli.config.ToolOptions;
import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.produce.FaceSource;
import io.f2c.cli.runtime.LocalPipeline;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.eval.ContinualMatrix.StreamPoint;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.subscribing.ModelFiles;
import io.f2c.subscribing.ModelSubscriber;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Streams the phases through the whole job (Kafka, Flink, RocksDB, exactly-once publishing), one
 * after the other, and follows the published versions as a subscriber does: each version is saved
 * with the point of the stream at which it arrived. Nothing is evaluated while the job trains, so
 * the measurement takes no CPU from the trainer.
 */
final class ContinualStream {
  /** After the last image, versions are awaited at most this long. */
  private static final long SETTLE_TIMEOUT_S = 900;

  /**
   * Images sent but not yet read by the job, at most: the producer keeps to the trainer's pace, so
   * that a phase's images are trained while they are sent and the phases do not blur in a backlog.
   * The job's count comes from its REST metrics, which are up to 10 s old: the bound leaves room
   * for that, or the producer would wait on a stale count while the trainer idles.
   */
  private static final long MAX_BACKLOG = 1000;

  private static final long CHUNK = 50;

  /** The stream is over once no version came for this long, or two usual gaps if longer. */
  private static final double QUIET_S = 20;

  /** A saved version and where the stream stood when it arrived. */
  record Arrival(long version, long step, long imagesTrained, Path file, StreamPoint at) {}

  /** Where each phase began, every version in order of arrival, and the images sent in all. */
  record Result(List<StreamPoint> phaseStarts, List<Arrival> arrivals, long imagesSent) {}

  private final F2cConfig config;
  private final PrintStream out;
  private final List<Arrival> arrivals = new ArrayList<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "f2c-study-progress");
            t.setDaemon(true);
            return t;
          });
  private long started;
  private FaceImageProducer producer;

  ContinualStream(F2cConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /**
   * Sends {@code phaseImages} images of each phase (looping over its training images in a seeded
   * order) at {@code --rate} at most and no faster than the job reads them, then waits for the
   * version that follows the last image read, or until versions stop coming.
   */
  Result run(List<ContinualPhases.Phase> phases, long phaseImages, Path saveDir) throws Exception {
    try (LocalPipeline pipeline = LocalPipeline.start(config, new DiscardingSink<>(), out);
        FaceImageProducer images =
            new FaceImageProducer(
                pipeline.kafka(),
                config.get(F2cOptions.IMAGES_TOPIC),
                config.get(F2cOptions.MAX_IMAGE_BYTES))) {
      producer = images;
      started = System.nanoTime();
      try (ModelSubscriber subscriber =
          ModelSubscriber.start(
              pipeline.kafka(),
              config.get(F2cOptions.MODELS_TOPIC),
              null,
              version -> arrived(version, saveDir))) {
        return stream(pipeline, images, phases, phaseImages);
      }
    } finally {
      ticker.shutdownNow();
    }
  }

  private Result stream(
      LocalPipeline pipeline,
      FaceImageProducer images,
      List<ContinualPhases.Phase> phases,
      long phaseImages)
      throws Exception {
    List<StreamPoint> starts = new ArrayList<>();
    long interval = Math.max(1000, config.get(ToolOptions.PROGRESS_INTERVAL_MS));
    ticker.scheduleAtFixedRate(
        () -> out.println("  " + progress()), interval, interval, TimeUnit.MILLISECONDS);
    double rate = config.get(F2cOptions.RATE);
    long seed = config.get(F2cOptions.SEED);
    for (ContinualPhases.Phase phase : phases) {
      starts.add(point());
      out.printf(
          Locale.ROOT,
          "phase %d of %d: %d identities, %d training images, sending %d%n",
          phase.index() + 1,
          phases.size(),
          phase.identities().size(),
          phase.trainImages().size(),
          phaseImages);
      FaceSource source =
          FaceSource.files(
              phase.trainImages(), true, seed + phase.index(), "phase-" + phase.index());
      long sentInPhase = 0;
      while (sentInPhase < phaseImages) {
        while (images.sent() - consumed(pipeline) > MAX_BACKLOG) {
          requireRunning(pipeline);
          Thread.sleep(200);
        }
        sentInPhase += images.run(source, rate, Math.min(CHUNK, phaseImages - sentInPhase));
      }
      requireRunning(pipeline);
      out.println("  " + progress());
    }
    // The study ends with the first version published after the job has read every image sent,
    // or once versions stop coming: a step needs an instance batch of new images, so the
    // trainer stops soon after the stream.
    double streamEnd = point().seconds();
    double allRead = Double.NaN;
    while (true) {
      double now = point().seconds();
      if (Double.isNaN(allRead) && consumed(pipeline) >= images.sent()) {
        allRead = now;
      }
      double lastNews = Math.max(streamEnd, lastArrivalSeconds());
      boolean covered = !Double.isNaN(allRead) && lastArrivalSeconds() > allRead;
      if (covered || now - lastNews > quietSeconds() || now - streamEnd > SETTLE_TIMEOUT_S) {
        break;
      }
      requireRunning(pipeline);
      Thread.sleep(1000);
    }
    if (versionsSoFar() == 0) {
      throw new IllegalStateException("the job published no model version; " + progress());
    }
    if (images.failed() > 0) {
      throw new IllegalStateException(
          images.failed() + " images were not sent, first: " + images.failures().get(0));
    }
    return new Result(starts, arrivalsSoFar(), images.sent());
  }

  private void arrived(ModelSubscriber.ModelVersion model, Path saveDir) {
    try {
      Path file = ModelFiles.save(saveDir, model);
      Arrival arrival =
          new Arrival(
              model.version(),
              model.trainingStep(),
              model.metrics().getImagesSeen(),
              file,
              point());
      synchronized (this) {
        arrivals.add(arrival);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save version " + model.version(), e);
    }
  }

  private StreamPoint point() {
    return new StreamPoint(producer.sent(), (System.nanoTime() - started) / 1e9);
  }

  private synchronized double lastArrivalSeconds() {
    return arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1).at().seconds();
  }

  private synchronized double quietSeconds() {
    if (arrivals.size() < 2) {
      return 3 * QUIET_S;
    }
    double span = arrivals.get(arrivals.size() - 1).at().seconds() - arrivals.get(0).at().seconds();
    return Math.max(QUIET_S, 2 * span / (arrivals.size() - 1));
  }

  private synchronized int versionsSoFar() {
    return arrivals.size();
  }

  private synchronized List<Arrival> arrivalsSoFar() {
    return List.copyOf(arrivals);
  }

  private synchronized String progress() {
    Arrival last = arrivals.isEmpty() ? null : arrivals.get(arrivals.size() - 1);
    return String.format(
        Locale.ROOT,
        "[%5.0fs] sent %d, %d versions%s",
        (System.nanoTime() - started) / 1e9,
        producer.sent(),
        arrivals.size(),
        last == null ? "" : ", latest v" + last.version() + " at step " + last.step());
  }

  /** Images the job has read from Kafka, from its decoder's input count; 0 while unknown. */
  private static long consumed(LocalPipeline pipeline) {
    return LocalRest.vertexMetric(
            pipeline.config().get(F2cOptions.DASHBOARD_PORT),
            pipeline.job().getJobID().toString(),
            "Source: " + F2cJob.SOURCE_NAME,
            "." + F2cJob.DECODE_NAME + ".numRecordsIn")
        .map(Long::parseLong)
        .orElse(0L);
  }

  private static void requireRunning(LocalPipeline pipeline) throws Exception {
    var status = pipeline.job().getJobStatus().get(10, TimeUnit.SECONDS);
    if (status.isGloballyTerminalState()) {
      throw new IllegalStateException("the job ended with status " + status + "; see the log");
    }
  }
}
