package io.f2c.batching;

import io.f2c.training.TrainingBatches;

/** An instance batch on its way to the trainer (labels and concatenated CHW images). A Flink POJO. */
public class InstanceBatchRecord {
  public String[] labels;
  public float[] images;

  public InstanceBatchRecord() {}

  public InstanceBatchRecord(String[] labels, float[] images) {
    this.labels = labels;
    this.images = images;
  }

  public TrainingBatches.InstanceBatch toBatch() {
    return new TrainingBatches.InstanceBatch(labels, images);
  }
}
