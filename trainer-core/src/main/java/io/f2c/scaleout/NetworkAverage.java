package io.f2c.scaleout;

import java.util.ArrayList;
import java.util.List;

/**
 * Periodic model averaging of K trainers (plain Java, no Flink, no DJL): each trainer's networks
 * are a list of float arrays in one fixed order (the probe net's, then the gallery net's, weights
 * and BatchNorm statistics alike).
 *
 * <p>A round takes every trainer's arrays, averages them, and each trainer continues from the
 * average plus what it learned while the round was under way ({@link #keepLocalProgress}): a
 * trainer never waits for its peers, so its steps between contributing and receiving the average
 * are kept rather than thrown away.
 */
public final class NetworkAverage {
  private NetworkAverage() {}

  /**
   * The element-wise mean of the contributions, summed in double in the order given (the same order
   * on every call, so every trainer gets the same bits).
   */
  public static List<float[]> mean(List<List<float[]>> contributions) {
    if (contributions.isEmpty()) {
      throw new IllegalArgumentException("nothing to average");
    }
    List<float[]> first = contributions.get(0);
    for (List<float[]> other : contributions) {
      requireSameShape(first, other);
    }
    int k = contributions.size();
    List<float[]> mean = new ArrayList<>(first.size());
    for (int a = 0; a < first.size(); a++) {
      int length = first.get(a).length;
      float[] out = new float[length];
      for (int i = 0; i < length; i++) {
        double sum = 0;
        for (List<float[]> contribution : contributions) {
          sum += contribution.get(a)[i];
        }
        out[i] = (float) (sum / k);
      }
      mean.add(out);
    }
    return mean;
  }

  /**
   * {@code current = average + (current - sent)}, in place: the round's average, moved by the
   * trainer's own progress since it sent {@code sent}.
   */
  public static void keepLocalProgress(
      List<float[]> current, List<float[]> sent, List<float[]> average) {
    requireSameShape(current, sent);
    requireSameShape(current, average);
    for (int a = 0; a < current.size(); a++) {
      float[] now = current.get(a);
      float[] before = sent.get(a);
      float[] mean = average.get(a);
      for (int i = 0; i < now.length; i++) {
        now[i] = mean[i] + (now[i] - before[i]);
      }
    }
  }

  /** Floats in all arrays together (a round moves four bytes per float each way per trainer). */
  public static long floats(List<float[]> arrays) {
    long n = 0;
    for (float[] array : arrays) {
      n += array.length;
    }
    return n;
  }

  private static void requireSameShape(List<float[]> a, List<float[]> b) {
    if (a.size() != b.size()) {
      throw new IllegalArgumentException(
          "networks differ: " + a.size() + " arrays against " + b.size());
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).length != b.get(i).length) {
        throw new IllegalArgumentException(
            "networks differ at array "
                + i
                + ": "
                + a.get(i).length
                + " values against "
                + b.get(i).length);
      }
    }
  }
}
