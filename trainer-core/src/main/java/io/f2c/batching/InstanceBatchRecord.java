package io.f2c.batching;

import io.f2c.preprocess.PreprocessSpec;
import io.f2c.training.TrainingBatches;

/**
 * An instance batch on its way to the trainer (labels and concatenated 8-bit CHW images). A Flink
 * POJO.
 */
public class InstanceBatchRecord {
  public String[] labels;
  public byte[] images;

  public InstanceBatchRecord() {}

  public InstanceBatchRecord(String[] labels, byte[] images) {
    this.labels = labels;
    this.images = images;
  }

  /** The trainer's batch: images normalised as {@code spec} says. */
  public TrainingBatches.InstanceBatch toBatch(PreprocessSpec spec) {
    float[] normalized = new float[images.length];
    spec.normalize(images, normalized, 0);
    return new TrainingBatches.InstanceBatch(labels, normalized);
  }
}
