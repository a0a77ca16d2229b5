package io.f2c.cli;

import com.google.gson.JsonObject;
import io.f2c.batching.DistinctIdentities;
import io.f2c.cli.config.ToolOptions;
import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.produce.FaceSource;
import io.f2c.cli.runtime.LocalPipeline;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.eval.LfwPairs;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.kafka.TopicReader;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.RejectedRecord;
import io.f2c.training.TrainingDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;

/**
 * {@code f2c demo} (and {@code f2c job}): Kafka (embedded unless --bootstrap-servers), topics, the
 * job in a local Flink cluster with the dashboard, a producer (demo only) and a dead-letter
 * watcher; a progress line every few seconds; clean shutdown after --seconds or on Ctrl-C.
 */
final class DemoCommand {
  private final PrintStream out;
  private F2cConfig config;
  private long started; // System.nanoTime() when the demo began

  DemoCommand(F2cConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  int run() throws Exception {
    return runSystem(true);
  }

  int runJobOnly() throws Exception {
    return runSystem(false);
  }

  private int runSystem(boolean withProducer) throws Exception {
    requireDevice(config.get(F2cOptions.DEVICE));
    started = System.nanoTime();
    CountDownLatch stop = new CountDownLatch(1);
    ShutdownSignals.onInterrupt(stop::countDown);
    LocalPipeline pipeline = null;
    LocalProgressSink progress = new LocalProgressSink("run-" + UUID.randomUUID());
    Thread producerThread = null;
    FaceImageProducer producer = null;
    DeadLetterWatcher watcher = null;
    ModelWatcher models = null;
    try {
      pipeline = LocalPipeline.start(config, progress, out);
      config = pipeline.config();
      KafkaClientConfig kafka = pipeline.kafka();
      JobClient job = pipeline.job();

      // Held-out identities for the built-in subscriber: synthetic ones the producer never makes,
      // or every tenth identity of --images, which the producer then leaves out.
      Set<String> heldOutNames = new HashSet<>(pairsHeldOut());
      var dir = config.get(ToolOptions.IMAGES_DIR);
      var heldOut =
          dir == null
              ? ModelWatcher.syntheticHeldOut(
                  config.get(F2cOptions.SEED), config.get(F2cOptions.INPUT_SIZE), 20)
              : ModelWatcher.folderHeldOut(dir, 20, heldOutNames);
      if (withProducer) {
        producer =
            new FaceImageProducer(
                kafka, config.get(F2cOptions.IMAGES_TOPIC), config.get(F2cOptions.MAX_IMAGE_BYTES));
        producerThread = startProducer(producer, heldOutNames);
      }
      watcher = new DeadLetterWatcher(kafka, config.get(F2cOptions.DEAD_LETTER_TOPIC));
      watcher.start();
      if (!heldOutNames.isEmpty()) {
        out.println("held out of training: " + heldOutNames.size() + " identities");
      }
      models =
          new ModelWatcher(
              kafka,
              config.get(F2cOptions.MODELS_TOPIC),
              heldOut,
              config.get(ToolOptions.SAVE_DIR),
              out);
      return reportUntilStopped(job, stop, progress.board(), producer, watcher, models);
    } finally {
      if (producer != null) {
        producer.stop();
      }
      if (producerThread != null) {
        producerThread.join(10_000);
      }
      if (producer != null) {
        producer.close();
      }
      if (watcher != null) {
        watcher.close();
      }
      if (models != null) {
        models.close();
      }
      if (pipeline != null) {
        stop(pipeline);
      }
      progress.release();
      out.println("stopped.");
    }
  }

  /** With --pairs: the identities of its --folds, which training must not see. */
  private Set<String> pairsHeldOut() throws IOException {
    var pairsFile = config.get(ToolOptions.PAIRS);
    if (pairsFile == null) {
      return Set.of();
    }
    if (config.get(ToolOptions.IMAGES_DIR) == null) {
      throw new IllegalArgumentException(
          "--pairs holds out identities of --images DIR: give --images too");
    }
    var pairs = LfwPairs.read(pairsFile);
    return pairs.identitiesOf(pairs.selectFolds(config.get(ToolOptions.FOLDS)));
  }

  private Thread startProducer(FaceImageProducer producer, Set<String> heldOut) {
    var dir = config.get(ToolOptions.IMAGES_DIR);
    var source =
        dir == null
            ? ProduceCommand.faceSource(config, true)
            : FaceSource.folder(
                dir, true, config.get(F2cOptions.SEED), id -> !heldOut.contains(id));
    double rate = config.get(F2cOptions.RATE);
    Thread thread =
        new Thread(
            () -> {
              try {
                producer.run(source, rate, 0);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                out.println("producer stopped: " + e.getMessage());
              }
            },
            "f2c-demo-producer");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private int reportUntilStopped(
      JobClient job,
      CountDownLatch stop,
      LocalProgressSink.Board board,
      FaceImageProducer producer,
      DeadLetterWatcher watcher,
      ModelWatcher models)
      throws Exception {
    long seconds = config.get(ToolOptions.SECONDS);
    long interval = config.get(ToolOptions.PROGRESS_INTERVAL_MS);
    long start = System.nanoTime();
    long deadline = seconds > 0 ? start + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
    long lastImages = 0;
    long lastTick = start;
    while (true) {
      long now = System.nanoTime();
      long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(interval), deadline - now);
      boolean stopped = wait <= 0 || stop.await(wait, TimeUnit.NANOSECONDS);
      var status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      if (status.isGloballyTerminalState()) {
        out.println("the job ended unexpectedly with status " + status + "; see the log above");
        return 1;
      }
      now = System.nanoTime();
      long images = board.images.get();
      double rate = (images - lastImages) / Math.max(1e-9, (now - lastTick) / 1e9);
      var model = models.latest();
      out.printf(
          Locale.ROOT,
          "[%5.0fs] %s | images %d (%.1f/s) | identities %d | rejected %d | sent %d%s | %s%n",
          (now - start) / 1e9,
          status,
          images,
          rate,
          board.identities.get(),
          watcher.rejected(),
          producer == null ? 0 : producer.sent(),
          producer == null || producer.failed() == 0 ? "" : " (not sent " + producer.failed() + ")",
          model == null
              ? "no model yet" + trainerWaiting(job)
              : String.format(
                  Locale.ROOT,
                  "model v%d, step %d, loss %.3f, pool %.0f%%",
                  model.version(),
                  model.trainingStep(),
                  model.metrics().getLoss(),
                  100 * model.metrics().getPoolOccupancy()));
      lastImages = images;
      lastTick = now;
      long untilStep = config.get(F2cOptions.UNTIL_STEP);
      boolean reached = untilStep > 0 && model != null && model.trainingStep() >= untilStep;
      if (stopped || reached || System.nanoTime() >= deadline) {
        out.printf(
            "demo finished after %.0f s: %d images processed, %d identities, %d rejected%n",
            (System.nanoTime() - start) / 1e9, images, board.identities.get(), watcher.rejected());
        if (config.get(ToolOptions.JSON)) {
          out.println(summary(job, models));
        }
        return 0;
      }
    }
  }

  /**
   * The --json summary: versions published, first and last accuracy, images trained, checkpoints
   * completed.
   */
  private String summary(JobClient job, ModelWatcher models) {
    List<double[]> accuracies = models.accuracies();
    var latest = models.latest();
    JsonObject json = new JsonObject();
    json.addProperty("versions_published", latest == null ? 0 : latest.version());
    json.add(
        "first_accuracy",
        JsonOutput.number(accuracies.isEmpty() ? Double.NaN : accuracies.get(0)[1], 4));
    json.add(
        "last_accuracy",
        JsonOutput.number(
            accuracies.isEmpty() ? Double.NaN : accuracies.get(accuracies.size() - 1)[1], 4));
    json.addProperty("images_trained", latest == null ? 0 : latest.metrics().getImagesSeen());
    double[] arrivals = models.arrivals();
    json.add(
        "first_model_seconds",
        JsonOutput.number(arrivals == null ? Double.NaN : (arrivals[0] - started) / 1e9, 1));
    json.add(
        "training_images_per_second",
        JsonOutput.number(arrivals == null ? Double.NaN : arrivals[1], 1));
    json.addProperty(
        "checkpoints_completed",
        LocalRest.completedCheckpoints(
            config.get(F2cOptions.DASHBOARD_PORT), job.getJobID().toString()));
    return json.toString();
  }

  /**
   * Before the first version: the trainer's step and, while it has not stepped, how many distinct
   * identities wait against the --identity-batch it needs (a small stream trains with fewer).
   */
  private String trainerWaiting(JobClient job) {
    int port = config.get(F2cOptions.DASHBOARD_PORT);
    String id = job.getJobID().toString();
    String step = LocalRest.vertexMetric(port, id, F2cJob.TRAINER_NAME, ".trainerStep").orElse("?");
    String waiting =
        LocalRest.vertexMetric(port, id, F2cJob.TRAINER_NAME, ".identitiesWaiting").orElse("?");
    return "0".equals(step)
        ? " (trainer waits: "
            + waiting
            + " distinct identities, a step takes "
            + config.get(F2cOptions.IDENTITY_BATCH)
            + ", or "
            + DistinctIdentities.FEWEST_IDENTITIES
            + " once instance batches back up)"
        : " (trainer at step " + step + ")";
  }

  /** The trainer runs in this JVM: a device it cannot have is an error now, not a failed job. */
  private static void requireDevice(TrainingDevice device) {
    try {
      device.resolve();
    } catch (TrainingDevice.Unavailable e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private void stop(LocalPipeline pipeline) {
    try {
      pipeline.close();
    } catch (Exception e) {
      out.println("warning: stopping the job: " + e.getMessage());
    }
  }

  /** Counts dead letters by reading the dead-letter topic, as any operator of the system would. */
  private static final class DeadLetterWatcher implements AutoCloseable {
    private final TopicReader<RejectedRecord> reader;
    private final AtomicLong rejected = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    DeadLetterWatcher(KafkaClientConfig kafka, String topic) {
      reader = new TopicReader<>(kafka, topic, AvroCodec.rejectedRecord());
      thread =
          new Thread(
              () -> {
                while (running) {
                  try {
                    rejected.addAndGet(reader.poll(Duration.ofMillis(500)).size());
                  } catch (RuntimeException e) {
                    if (running) {
                      System.err.println("dead-letter watcher: " + e.getMessage());
                    }
                  }
                }
              },
              "f2c-dead-letter-watcher");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    long rejected() {
      return rejected.get();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
      reader.close();
    }
  }
}
