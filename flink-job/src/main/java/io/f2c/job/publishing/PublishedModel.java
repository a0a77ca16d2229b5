package io.f2c.job.publishing;

import io.f2c.preprocess.PreprocessSpec;

/**
 * One model version as the trainer hands it to the publisher: the blob ({@link
 * io.f2c.model.ModelBlob}) and what a ModelUpdate says about it. A Flink POJO.
 */
public class PublishedModel {
  public String modelName;
  public long version;
  public long trainingStep;
  public long createdAtMillis;
  public String architecture;
  public int embeddingDim;
  public int inputSize;
  public int channels;
  public float cropFraction;
  public float normMean;
  public float normScale;
  public boolean testTimeFlip;
  public double loss;
  public double poolOccupancy;
  public long imagesSeen;
  public long identitiesSeen;

  /**
   * Cosine similarity at or above which two faces count as the same person, chosen on held-out
   * identities; NaN when none was chosen.
   */
  public float verificationThreshold = Float.NaN;

  public byte[] blob;

  public PublishedModel() {}

  public PreprocessSpec input() {
    return new PreprocessSpec(inputSize, channels, cropFraction, normMean, normScale);
  }

  public void setInput(PreprocessSpec spec) {
    inputSize = spec.size();
    channels = spec.channels();
    cropFraction = spec.cropFraction();
    normMean = spec.normMean();
    normScale = spec.normScale();
  }
}
