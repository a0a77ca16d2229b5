package io.f2c.cli.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.f2c.batching.DualBatchSampler;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.produce.FaceSource;
import io.f2c.cli.runtime.LocalJob;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.F2cJob;
import io.f2c.job.batching.InstanceBatcher;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.TrainerSettings;
import io.f2c.job.ingest.DecodeAndValidate;
import io.f2c.job.ingest.FaceValidator;
import io.f2c.job.kafka.KafkaConnectors;
import io.f2c.job.kafka.Topics;
import io.f2c.job.runtime.FlinkSettings;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.training.F2cTrainer;
import io.f2c.training.TrainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The whole job against a bare loop over the same trainer: training images/s of the job fed from
 * Kafka and of a plain loop with the same batches, backbone, batch sizes and threads; ingest-only
 * throughput (Kafka -> decoded instance batches); and the cost of checkpoints (duration,
 * incremental size) for several pool sizes. Everything runs in this JVM: an embedded broker and a
 * local Flink cluster. The job is timed by the model versions it publishes; its REST API gives the
 * checkpoint statistics once the timing is over.
 */
public final class PipelineBenchmark {
  private final F2cConfig config;
  private final KafkaClientConfig kafka;
  private final int steps;
  private final int identities = 300;
  private final int imagesEach = 6;

  public PipelineBenchmark(F2cConfig config, KafkaClientConfig kafka, int steps) {
    this.config = config;
    this.kafka = kafka;
    this.steps = steps;
  }

  public int imagesPerStep() {
    return 2 * config.get(F2cOptions.IDENTITY_BATCH) + config.get(F2cOptions.INSTANCE_BATCH);
  }

  /** Steps before the timed window: the JIT, RocksDB and the first checkpoint settle. */
  public static final int WARM_UP_STEPS = 40;

  /**
   * Steps of the bare loop before its timing starts: as many as the job's, so both are timed warm
   * (JIT, and the memory glibc keeps for PyTorch once it has been faulted in).
   */
  public static final int BARE_WARM_UP_STEPS = WARM_UP_STEPS;

  /**
   * Training images/s of a plain loop over the trainer with sampled batches (after its warm-up
   * steps). It runs on a thread of its own, as the job's trainer runs on its task thread: PyTorch's
   * OpenMP team belongs to the calling thread and ends with it, so a loop run on the main thread
   * would leave a second team behind, and libgomp makes every team spin less (sleeping sooner) once
   * there are more of its threads than cores, slowing the job measured next.
   */
  public double bareLoopImagesPerSecond() throws Exception {
    FutureTask<Double> loop = new FutureTask<>(this::bareLoop);
    Thread thread = new Thread(loop, "bare-loop");
    thread.start();
    thread.join();
    try {
      return loop.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private double bareLoop() throws ImageRejectedException {
    PreprocessSpec spec = TrainerSettings.preprocessSpec(config);
    SyntheticFaces faces = new SyntheticFaces(config.get(F2cOptions.SEED), spec.size());
    ImageDecoder decoder = new ImageDecoder(spec, 1L << 26, 1 << 26);
    Map<String, List<float[]>> set = new LinkedHashMap<>();
    for (int id = 0; id < identities; id++) {
      List<float[]> images = new ArrayList<>();
      for (int img = 0; img < imagesEach; img++) {
        // The images exactly as the job's trainer gets them (8-bit in state, normalised at the
        // step).
        images.add(decoder.networkInput(faces.encoded(id, img, ImageFormat.PNG), ImageFormat.PNG));
      }
      set.put(SyntheticFaces.identityId(id), images);
    }
    DualBatchSampler sampler = new DualBatchSampler(set, 1);
    TrainerConfig trainerConfig = TrainerSettings.from(config);
    try (F2cTrainer trainer = new F2cTrainer(trainerConfig)) {
      long start = 0;
      for (int s = 0; s < BARE_WARM_UP_STEPS + steps; s++) {
        if (s == BARE_WARM_UP_STEPS) {
          start = System.nanoTime();
        }
        trainer.step(
            sampler.identityBatch(config.get(F2cOptions.IDENTITY_BATCH)),
            sampler.instanceBatch(config.get(F2cOptions.INSTANCE_BATCH)));
      }
      return steps * imagesPerStep() / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Fills a topic with {@code count} synthetic face images (sent before any timing starts). */
  public void fill(String topic, int count) throws InterruptedException {
    Topics.ensure(kafka, List.of(F2cJob.imagesTopic(config.with(F2cOptions.IMAGES_TOPIC, topic))));
    try (FaceImageProducer producer =
        new FaceImageProducer(kafka, topic, config.get(F2cOptions.MAX_IMAGE_BYTES))) {
      producer.run(
          FaceSource.synthetic(
              new SyntheticFaces(config.get(F2cOptions.SEED), config.get(F2cOptions.INPUT_SIZE)),
              identities,
              imagesEach,
              true,
              1),
          0,
          count);
    }
  }

  /** Result of one run of the job. */
  public record JobRun(double imagesPerSecond, List<long[]> checkpoints) {}

  /**
   * Runs the training job on a filled topic and times it by the versions it publishes: from the
   * first version at step {@link #WARM_UP_STEPS} or later to the first one at least {@code steps}
   * steps further (their creation times come from the trainer). Then collects the completed
   * checkpoints {duration ms, incremental bytes} from the REST API.
   */
  public JobRun runJob(F2cConfig jobConfig, int port) throws Exception {
    F2cConfig c = jobConfig.with(F2cOptions.DASHBOARD_PORT, port);
    Configuration flinkConf = FlinkSettings.localConfiguration(c, new Configuration());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
    F2cJob.build(
        env,
        F2cJob.kafkaSource(c),
        new F2cJob.Sinks(
            KafkaConnectors.deadLetterSink(kafka, c.get(F2cOptions.DEAD_LETTER_TOPIC)),
            new DiscardingSink<>(),
            new ModelClockSink()),
        c);
    ModelClockSink.reset();
    try (LocalJob local = LocalJob.start(env, flinkConf, "bench-pipeline")) {
      JobClient job = local.client();
      long[] start = awaitVersion(WARM_UP_STEPS);
      long[] end = awaitVersion(start[0] + steps);
      double rate = (end[0] - start[0]) * imagesPerStep() / ((end[1] - start[1]) / 1e3);
      return new JobRun(rate, checkpoints(port, job));
    }
  }

  /** Waits for the first published version at {@code step} or later: {step, created-at ms}. */
  private static long[] awaitVersion(long step) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    long last = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long[] version = ModelClockSink.firstAtOrAfter(step);
      if (version != null) {
        return version;
      }
      long current = ModelClockSink.lastStep();
      if (current != last) {
        last = current;
        lastChange = System.nanoTime();
      } else if (current > 0 && System.nanoTime() - lastChange > 120_000_000_000L) {
        throw new IllegalStateException(
            "no new model version after step "
                + current
                + " for 2 minutes (input "
                + "exhausted?)");
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "the job published no version at step " + step + " within 10 minutes");
  }

  /**
   * Ingest only: Kafka -> decode -> instance batches, images/s between the first and the last
   * batch.
   */
  public double ingestImagesPerSecond(String topic, int images) throws Exception {
    F2cConfig c =
        config
            .with(F2cOptions.IMAGES_TOPIC, topic)
            .with(F2cOptions.GROUP_ID, "bench-ingest-" + System.nanoTime());
    Configuration flinkConf = FlinkSettings.jobConfiguration(c, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
    ImageDecoder decoder =
        new ImageDecoder(
            TrainerSettings.preprocessSpec(c),
            c.get(F2cOptions.MAX_IMAGE_PIXELS),
            c.get(F2cOptions.MAX_IMAGE_BYTES));
    int batch = c.get(F2cOptions.INSTANCE_BATCH);
    env.fromSource(F2cJob.kafkaSource(c), WatermarkStrategy.noWatermarks(), "source")
        .process(new DecodeAndValidate(new FaceValidator(decoder)))
        .process(new InstanceBatcher(batch, batch, 1))
        .sinkTo(new TimingSink());
    TimingSink.reset();
    try (LocalJob local = LocalJob.start(env, flinkConf, "bench-ingest")) {
      int batches = images / batch;
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (TimingSink.COUNT.get() < batches && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long counted = TimingSink.COUNT.get() - 1;
      return counted * batch / ((TimingSink.LAST.get() - TimingSink.FIRST.get()) / 1e9);
    }
  }

  /**
   * Completed checkpoints as {end-to-end duration ms, checkpointed (incremental) bytes of the job,
   * id, the trainer's incremental bytes without in-flight data (pool rows, networks, pending
   * batches)}, oldest first.
   */
  private List<long[]> checkpoints(int port, JobClient job) {
    String jobId = job.getJobID().toString();
    String trainer = LocalRest.vertexId(port, jobId, F2cJob.TRAINER_NAME);
    List<long[]> out = new ArrayList<>();
    for (long[] c : completedCheckpoints(port, jobId)) {
      long trainerBytes =
          LocalRest.object(port, "/jobs/" + jobId + "/checkpoints/details/" + c[2])
              .map(details -> details.getAsJsonObject("tasks"))
              .filter(tasks -> trainer != null && tasks.has(trainer))
              .map(tasks -> tasks.getAsJsonObject(trainer))
              .map(
                  task ->
                      number(task, "checkpointed_size")
                          - Math.max(0, number(task, "persisted_data")))
              .orElse(-1L);
      out.add(new long[] {c[0], c[1], c[2], trainerBytes});
    }
    return out;
  }

  /**
   * {end-to-end duration ms, checkpointed bytes, id} of each completed checkpoint, oldest first.
   */
  private List<long[]> completedCheckpoints(int port, String jobId) {
    List<long[]> out = new ArrayList<>();
    LocalRest.object(port, "/jobs/" + jobId + "/checkpoints")
        .map(body -> body.getAsJsonArray("history"))
        .ifPresent(
            history -> {
              for (JsonElement entry : history) {
                JsonObject checkpoint = entry.getAsJsonObject();
                if ("COMPLETED".equals(checkpoint.get("status").getAsString())) {
                  out.add(
                      0, // the history is newest first
                      new long[] {
                        number(checkpoint, "end_to_end_duration"),
                        number(checkpoint, "checkpointed_size"),
                        number(checkpoint, "id")
                      });
                }
              }
            });
    return out;
  }

  private static long number(JsonObject json, String name) {
    return json.has(name) && json.get(name).isJsonPrimitive() ? json.get(name).getAsLong() : -1;
  }

  /** Counts batches in this JVM and notes when the first and last arrived. */
  static final class TimingSink implements Sink<InstanceBatchRecord> {
    private static final long serialVersionUID = 1L;
    static final AtomicLong COUNT = new AtomicLong();
    static final AtomicLong FIRST = new AtomicLong();
    static final AtomicLong LAST = new AtomicLong();

    static void reset() {
      COUNT.set(0);
      FIRST.set(0);
      LAST.set(0);
    }

    @Override
    public SinkWriter<InstanceBatchRecord> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(InstanceBatchRecord element, Context ctx) {
          long now = System.nanoTime();
          if (COUNT.getAndIncrement() == 0) {
            FIRST.set(now);
          }
          LAST.set(now);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
