package io.f2c.job.kafka;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where a job without saved state starts reading the images topic. A job restored from a checkpoint
 * or savepoint always continues at the offsets saved with its state.
 */
public enum StartFrom {
  /** The consumer group's committed offsets, else the earliest record: a plain restart. */
  COMMITTED,
  /** Everything the topic still holds: retraining after the training state was lost. */
  EARLIEST,
  /** Only images that arrive from now on. */
  LATEST;

  OffsetsInitializer offsets() {
    return switch (this) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }
}
