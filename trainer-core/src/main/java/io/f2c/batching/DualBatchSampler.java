package io.f2c.batching;

import io.f2c.training.TrainingBatches;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * F2C's dual loader over an in-memory set of preprocessed images (no Flink): identity batches
 * (distinct identities, two different images each, from identities with at least two images) and
 * instance batches (random images). Seeded, so a run can be repeated exactly. Used by tests, the
 * ORL/synthetic learning checks and benchmarks; the streaming job builds the same batches from
 * Kafka.
 */
public final class DualBatchSampler {
  private final List<String> pairable = new ArrayList<>();
  private final Map<String, List<float[]>> images;
  private final List<String> imageLabels = new ArrayList<>();
  private final List<float[]> allPixels = new ArrayList<>();
  private final int imageLength;
  private final SplittableRandom random;

  public DualBatchSampler(Map<String, List<float[]>> imagesByIdentity, long seed) {
    this.images = new LinkedHashMap<>(imagesByIdentity);
    this.random = new SplittableRandom(seed);
    int length = -1;
    for (var entry : images.entrySet()) {
      if (entry.getValue().size() >= 2) {
        pairable.add(entry.getKey());
      }
      for (float[] pixels : entry.getValue()) {
        imageLabels.add(entry.getKey());
        allPixels.add(pixels);
        length = pixels.length;
      }
    }
    if (allPixels.isEmpty()) {
      throw new IllegalArgumentException("no images to sample from");
    }
    this.imageLength = length;
  }

  public TrainingBatches.IdentityBatch identityBatch(int size) {
    if (size > pairable.size()) {
      throw new IllegalArgumentException(
          "an identity batch of "
              + size
              + " needs as many identities with two or "
              + "more images; there are "
              + pairable.size());
    }
    List<String> chosen = new ArrayList<>(pairable);
    String[] ids = new String[size];
    float[] first = new float[size * imageLength];
    float[] second = new float[size * imageLength];
    for (int i = 0; i < size; i++) {
      int pick = i + random.nextInt(chosen.size() - i);
      String id = chosen.get(pick);
      chosen.set(pick, chosen.get(i));
      chosen.set(i, id);
      List<float[]> own = images.get(id);
      int a = random.nextInt(own.size());
      int b = (a + 1 + random.nextInt(own.size() - 1)) % own.size();
      ids[i] = id;
      System.arraycopy(own.get(a), 0, first, i * imageLength, imageLength);
      System.arraycopy(own.get(b), 0, second, i * imageLength, imageLength);
    }
    return new TrainingBatches.IdentityBatch(ids, first, second);
  }

  public TrainingBatches.InstanceBatch instanceBatch(int size) {
    String[] labels = new String[size];
    float[] pixels = new float[size * imageLength];
    for (int i = 0; i < size; i++) {
      int pick = random.nextInt(allPixels.size());
      labels[i] = imageLabels.get(pick);
      System.arraycopy(allPixels.get(pick), 0, pixels, i * imageLength, imageLength);
    }
    return new TrainingBatches.InstanceBatch(labels, pixels);
  }
}
