package io.f2c.job.publishing;

import io.f2c.model.ModelAssembler;
import io.f2c.schema.ModelUpdate;
import io.f2c.schema.TrainingMetrics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a model version into ModelUpdate chunks well under Kafka's 1 MiB message limit, each with
 * the blob's SHA-256.
 */
public final class ModelChunker {
  /** 512 KiB of model per record leaves ample room for the header under the 1 MiB default limit. */
  public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;

  /** {@code ModelUpdate.format} of the F2C model blob. */
  public static final String FORMAT_F2CM = "f2cm";

  /** {@code ModelUpdate.format} of the same version as an ONNX model. */
  public static final String FORMAT_ONNX = "onnx";

  private ModelChunker() {}

  /** The model's F2C blob as chunks of {@code format} f2cm. */
  public static List<ModelUpdate> chunks(PublishedModel model, int chunkBytes) {
    return chunks(model, FORMAT_F2CM, model.blob, chunkBytes);
  }

  /** {@code artifact}, the same version in another format (ONNX), as chunks of that format. */
  public static List<ModelUpdate> chunks(
      PublishedModel model, String format, byte[] artifact, int chunkBytes) {
    int count = Math.max(1, (artifact.length + chunkBytes - 1) / chunkBytes);
    String sha = ModelAssembler.sha256Hex(artifact);
    List<ModelUpdate> updates = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      int to = Math.min(artifact.length, from + chunkBytes);
      updates.add(
          ModelUpdate.newBuilder()
              .setModelName(model.modelName)
              .setVersion(model.version)
              .setTrainingStep(model.trainingStep)
              .setCreatedAt(Instant.ofEpochMilli(model.createdAtMillis))
              .setArchitecture(model.architecture)
              .setInput(model.input().toInputSpec())
              .setEmbeddingDim(model.embeddingDim)
              .setChunkIndex(i)
              .setChunkCount(count)
              .setChunk(ByteBuffer.wrap(artifact, from, to - from).slice())
              .setSha256(sha)
              .setTestTimeFlip(model.testTimeFlip)
              .setFormat(format)
              .setVerificationThreshold(
                  Float.isNaN(model.verificationThreshold) ? null : model.verificationThreshold)
              .setMetrics(
                  new TrainingMetrics(
                      model.loss, model.poolOccupancy, model.imagesSeen, model.identitiesSeen))
              .build());
    }
    return updates;
  }
}
