package io.f2c.cli.bench;

import io.f2c.schema.ModelUpdate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Notes the training step and creation time of each model version the job publishes (from its first
 * chunk). Those times come from the trainer's own clock when the step completed, so the benchmark
 * times the job exactly, without polling the REST API (which costs CPU on a 2-core machine and only
 * refreshes metrics every 10 s). The local cluster runs in this JVM, so the sink's writer and the
 * benchmark share the static list; one job runs at a time.
 */
final class ModelClockSink implements Sink<ModelUpdate> {
  private static final long serialVersionUID = 1L;

  /** {training step, created-at epoch ms} per version, in arrival order. */
  private static final List<long[]> VERSIONS = new CopyOnWriteArrayList<>();

  static void reset() {
    VERSIONS.clear();
  }

  /** The first version at or after {@code step}, or null. */
  static long[] firstAtOrAfter(long step) {
    for (long[] v : VERSIONS) {
      if (v[0] >= step) {
        return v;
      }
    }
    return null;
  }

  /** The highest step published so far (0 when none). */
  static long lastStep() {
    return VERSIONS.stream().mapToLong(v -> v[0]).max().orElse(0);
  }

  @Override
  public SinkWriter<ModelUpdate> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(ModelUpdate update, Context ctx) {
        if (update.getChunkIndex() == 0) {
          VERSIONS.add(new long[] {update.getTrainingStep(), update.getCreatedAt().toEpochMilli()});
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
