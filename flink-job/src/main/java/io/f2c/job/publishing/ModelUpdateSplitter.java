package io.f2c.job.publishing;

import io.f2c.schema.ModelUpdate;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Turns each published model version into its ModelUpdate chunks (in chunk order). */
public final class ModelUpdateSplitter implements FlatMapFunction<PublishedModel, ModelUpdate> {
  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(PublishedModel model, Collector<ModelUpdate> out) {
    ModelChunker.chunks(model, ModelChunker.DEFAULT_CHUNK_BYTES).forEach(out::collect);
  }
}
