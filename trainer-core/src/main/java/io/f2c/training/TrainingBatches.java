package io.f2c.training;

import java.util.Arrays;

/** The dual loader's two kinds of batch, and how a step composes them (F2C's x and y halves). */
public final class TrainingBatches {
  private TrainingBatches() {}

  /** Identity-based batch: for each identity, two different images (CHW floats, concatenated). */
  public record IdentityBatch(String[] ids, float[] first, float[] second) {
    public int size() {
      return ids.length;
    }
  }

  /** Instance-based batch: ordinary labelled images (CHW floats, concatenated). */
  public record InstanceBatch(String[] labels, float[] images) {
    public int size() {
      return labels.length;
    }
  }

  /** x = [A1; I1] with labels [ids; labels(I1)], y = [A2; I2] with [ids; labels(I2)]. */
  public record Composed(float[] x, String[] xLabels, float[] y, String[] yLabels) {
    public int half() {
      return xLabels.length;
    }
  }

  /** Splits the instance batch in halves and pairs them with the identity batch's two images. */
  public static Composed compose(
      IdentityBatch identities, InstanceBatch instances, int imageLength) {
    int n = instances.size();
    if (n % 2 != 0) {
      throw new IllegalArgumentException("the instance batch must have an even size, was " + n);
    }
    check(
        identities.first().length, identities.size(), imageLength, "identity batch (first images)");
    check(
        identities.second().length,
        identities.size(),
        imageLength,
        "identity batch (second images)");
    check(instances.images().length, n, imageLength, "instance batch");
    int half = n / 2;
    int a = identities.size();
    float[] x = new float[(a + half) * imageLength];
    float[] y = new float[(a + half) * imageLength];
    System.arraycopy(identities.first(), 0, x, 0, a * imageLength);
    System.arraycopy(instances.images(), 0, x, a * imageLength, half * imageLength);
    System.arraycopy(identities.second(), 0, y, 0, a * imageLength);
    System.arraycopy(
        instances.images(), half * imageLength, y, a * imageLength, half * imageLength);
    String[] xl = concat(identities.ids(), Arrays.copyOfRange(instances.labels(), 0, half));
    String[] yl = concat(identities.ids(), Arrays.copyOfRange(instances.labels(), half, n));
    return new Composed(x, xl, y, yl);
  }

  private static void check(int length, int count, int imageLength, String what) {
    if (length != count * imageLength) {
      throw new IllegalArgumentException(
          what + " holds " + length + " floats, expected " + count + " x " + imageLength);
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
