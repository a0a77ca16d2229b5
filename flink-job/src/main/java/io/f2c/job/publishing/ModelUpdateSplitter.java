package io.f2c.job.publishing;

import io.f2c.export.OnnxExport;
import io.f2c.schema.ModelUpdate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each published model version into its ModelUpdate chunks (in chunk order): the F2C blob,
 * then, when ONNX publication is on, the same version as an ONNX graph. The sink writes both in one
 * transaction, so an ONNX client and a Java subscriber see the same versions.
 */
public final class ModelUpdateSplitter implements FlatMapFunction<PublishedModel, ModelUpdate> {
  private static final long serialVersionUID = 1L;

  private final boolean onnx;

  public ModelUpdateSplitter(boolean onnx) {
    this.onnx = onnx;
  }

  @Override
  public void flatMap(PublishedModel model, Collector<ModelUpdate> out) {
    ModelChunker.chunks(model, ModelChunker.DEFAULT_CHUNK_BYTES).forEach(out::collect);
    if (onnx) {
      byte[] graph = OnnxExport.fromBlob(model.blob, onnxMetadata(model));
      ModelChunker.chunks(model, ModelChunker.FORMAT_ONNX, graph, ModelChunker.DEFAULT_CHUNK_BYTES)
          .forEach(out::collect);
    }
  }

  /** What the ONNX file says about its version, beside the preprocessing the export records. */
  public static Map<String, String> onnxMetadata(PublishedModel model) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("f2c.model_name", model.modelName);
    metadata.put("f2c.model_version", Long.toString(model.version));
    metadata.put("f2c.training_step", Long.toString(model.trainingStep));
    if (!Float.isNaN(model.verificationThreshold)) {
      metadata.put("f2c.verification_threshold", Float.toString(model.verificationThreshold));
    }
    return metadata;
  }
}
