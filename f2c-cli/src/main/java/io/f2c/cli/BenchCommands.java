package io.f2c.cli;

import static io.f2c.cli.config.ToolOptions.BATCH;
import static io.f2c.cli.config.ToolOptions.BENCH_IDS;
import static io.f2c.cli.config.ToolOptions.BENCH_PARTIAL_FC_RATE;
import static io.f2c.cli.config.ToolOptions.BENCH_POOL;
import static io.f2c.cli.config.ToolOptions.BENCH_ROUNDS;
import static io.f2c.cli.config.ToolOptions.BENCH_STEPS;
import static io.f2c.cli.config.ToolOptions.JSON;
import static io.f2c.cli.config.ToolOptions.PLOT;
import static io.f2c.cli.config.ToolOptions.SECONDS;
import static io.f2c.cli.config.ToolOptions.SYNTHETIC_IDENTITIES;
import static io.f2c.cli.config.ToolOptions.SYNTHETIC_IMAGES;
import static io.f2c.job.config.F2cOptions.BOOTSTRAP_SERVERS;
import static io.f2c.job.config.F2cOptions.CHANNELS;
import static io.f2c.job.config.F2cOptions.CROP_FRACTION;
import static io.f2c.job.config.F2cOptions.EMBEDDING_DIM;
import static io.f2c.job.config.F2cOptions.HELP;
import static io.f2c.job.config.F2cOptions.INPUT_SIZE;
import static io.f2c.job.config.F2cOptions.RATE;
import static io.f2c.job.config.F2cOptions.SEED;

import io.f2c.cli.config.ToolOptions;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.JobOptions;
import java.util.List;

/** The {@code bench} subcommands and the options each accepts. */
public final class BenchCommands {
  private BenchCommands() {}

  public static final Command BENCH_HEAD =
      new Command(
          "bench head",
          "[--ids N[,N...]] [--pool Q[,Q%...]] [--partial-fc-rate RATE] [--json]",
          "Measures the classification head alone (random unit embeddings, no backbone): time per step and memory of\n"
              + "F2C's Dynamic Class Pool against insightface's Partial FC (a sampled share of the class\n"
              + "centres per step) and the full FC layer for each N; prints a table, writes a PNG plot, and\n"
              + "ends with one JSON line per point. A Partial FC or FC head that does not fit in memory is\n"
              + "reported, not run.",
          List.of(
              BENCH_IDS,
              BENCH_POOL,
              BENCH_PARTIAL_FC_RATE,
              EMBEDDING_DIM,
              BATCH,
              BENCH_STEPS,
              F2cOptions.MARGIN_TYPE,
              F2cOptions.MARGIN_SCALE,
              F2cOptions.MARGIN,
              F2cOptions.SGD_MOMENTUM,
              F2cOptions.WEIGHT_DECAY,
              JSON,
              PLOT,
              HELP));

  public static final Command BENCH_PIPELINE =
      new Command(
          "bench pipeline",
          "[--steps S] [options] [--json]",
          "Measures the whole job: training images/s of the job fed from Kafka against a bare loop over the same\n"
              + "trainer and batches, ingest-only throughput (Kafka -> decoded batches), and checkpoint duration and\n"
              + "incremental size at pool sizes 1k, 10k and 100k. Embedded broker unless --bootstrap-servers.",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  BENCH_STEPS,
                  BENCH_ROUNDS,
                  JSON,
                  SEED),
              JobOptions.TRAINING));

  public static final Command BENCH_IDENTITIES =
      new Command(
          "bench identities",
          "[--identities N[,N...]] [--images-each K] [--timed-steps S] [--bench-dir DIR] [options] [--json]",
          "Measures the whole job as identities grow: for each N a fresh job (embedded broker, RocksDB, exactly-once\n"
              + "publishing) receives N synthetic identities, then more images of known ones. Reports the trainer's\n"
              + "time per step once all N are in, ingest images/s, state bytes per identity, checkpoint duration and\n"
              + "incremental size, restore time from the last checkpoint, heap and RSS; writes a PNG plot. The last\n"
              + "line is JSON (step_ms per N, step_ratio: largest N over smallest).",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  ToolOptions.BENCH_IDENTITIES,
                  ToolOptions.BENCH_IMAGES_EACH,
                  ToolOptions.BENCH_TIMED_STEPS,
                  ToolOptions.BENCH_DIR,
                  JSON,
                  SEED),
              JobOptions.TRAINING),
          "bench-identities");

  public static final Command BENCH_SOAK =
      new Command(
          "bench soak",
          "[--minutes M] [--sample-seconds S] [--warm-up-minutes W] [--burst-at-minutes B] [options] [--json]",
          "Trains for M minutes with the demo's setup (embedded broker, RocksDB, exactly-once publishing, a\n"
              + "producer at --rate) and samples this process every S seconds: RSS, heap, direct buffers, the\n"
              + "trainer's native tensors, RocksDB's memory, file descriptors, threads. Halfway the job restores its\n"
              + "last checkpoint in a new job. With --burst-at-minutes the producer sends at --burst-factor times the\n"
              + "rate for --burst-minutes, and the consumer lag shows where the excess waits. Prints each measure's\n"
              + "slope per hour after the warm-up; writes a CSV and a PNG. The last line is JSON.",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  ToolOptions.SOAK_MINUTES,
                  ToolOptions.SOAK_SAMPLE_SECONDS,
                  ToolOptions.SOAK_WARM_UP_MINUTES,
                  ToolOptions.BURST_AT_MINUTES,
                  ToolOptions.BURST_MINUTES,
                  ToolOptions.BURST_FACTOR,
                  ToolOptions.BENCH_DIR,
                  RATE,
                  SYNTHETIC_IDENTITIES,
                  SYNTHETIC_IMAGES,
                  JSON,
                  SEED),
              JobOptions.TRAINING),
          "demo");

  public static final Command BENCH_SCALE_OUT =
      new Command(
          "bench scale-out",
          "[--rounds R] [--warm-up-seconds W] [--timed-seconds S] [options] [--json]",
          "Training images/s of K = 2 trainers against one: each run a fresh job (embedded broker, RocksDB,\n"
              + "exactly-once publishing) reading the same topic, filled beforehand, from its start. Each round runs\n"
              + "K = 1 and K = 2 at one PyTorch thread per trainer, then K = 1 at two threads; after W seconds the\n"
              + "images the trainers train on are counted for S seconds, with the averaging rounds' time and bytes.\n"
              + "The last line is JSON (images_per_second_k1, images_per_second_k2, speedup_k2).",
          JobOptions.with(
              List.of(
                  BOOTSTRAP_SERVERS,
                  F2cOptions.KAFKA_CONFIG,
                  ToolOptions.SCALE_OUT_ROUNDS,
                  ToolOptions.SCALE_OUT_WARM_UP_SECONDS,
                  ToolOptions.SCALE_OUT_SECONDS,
                  ToolOptions.BENCH_DIR,
                  JSON,
                  SEED),
              JobOptions.TRAINING),
          "bench-scale-out");

  public static final Command BENCH_SERVE =
      new Command(
          "bench serve",
          "[--model FILE] [--clients N] [--seconds S] [--json]",
          "Measures serving: POST /v1/embed to the HTTP service (one client, then --clients at once) against\n"
              + "decoding and embedding the same PNG faces in-process. Without --model, a fresh network of the\n"
              + "job's settings (--backbone, --input-size, ...). The last line is JSON.",
          List.of(
              ToolOptions.MODEL_FILE,
              ToolOptions.BENCH_CLIENTS,
              SECONDS,
              F2cOptions.BACKBONE,
              EMBEDDING_DIM,
              INPUT_SIZE,
              CHANNELS,
              CROP_FRACTION,
              F2cOptions.TEST_TIME_FLIP,
              F2cOptions.RECIPE,
              F2cOptions.CONFIG_FILE,
              JSON,
              HELP));
}
