package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * F2C's margin loss on a matrix of cosines [B, Q] between normalised probe features and class features.
 *
 * <ul>
 *   <li>Probes with a class (label >= 0): margin-softmax cross-entropy with scale s; the target cosine becomes
 *       cos - m (CosFace) or cos(theta + m) (ArcFace; past theta = pi - m it falls back to cos - m sin(m), as in
 *       insightface, to stay monotonic).
 *   <li>Probes without a class (label -1): the k largest cosines, each clipped below at 0, averaged;
 *       k = clamp(round(0.0002 Q), 3, 10) (at most Q).
 *   <li>loss = mean cross-entropy over positives + mean clipped top-k over negatives; an empty part adds 0.
 * </ul>
 */
public final class F2cLoss {

  /** The margin family. */
  public enum Margin { COSFACE, ARCFACE }

  private final Margin margin;
  private final float scale;
  private final float m;

  public F2cLoss(Margin margin, float scale, float m) {
    this.margin = margin;
    this.scale = scale;
    this.m = m;
  }

  public Margin margin() {
    return margin;
  }

  /** k of the negatives' top-k for a pool of {@code q} rows. */
  public static int topK(int q) {
    return Math.min(q, Math.max(3, Math.min(10, Math.round(0.0002f * q))));
  }

  public NDArray loss(NDArray cos, int[] labels) {
    int[] positives = indicesWhere(labels, true);
    int[] negatives = indicesWhere(labels, false);
    NDManager manager = cos.getManager();
    NDArray total = manager.zeros(new Shape(), DataType.FLOAT32);
    if (positives.length > 0) {
      NDArray cosPos = rows(cos, positives);
      long[] targets = Arrays.stream(positives).mapToLong(i -> labels[i]).toArray();
      total = total.add(positiveLoss(cosPos, targets));
    }
    if (negatives.length > 0) {
      total = total.add(negativeLoss(rows(cos, negatives)));
    }
    return total;
  }

  /**
   * Mean margin-softmax cross-entropy of rows {@code cos} [P, C] with target columns {@code targets}. Only the target
   * column is replaced (scatter), so the cost is a few P x C tensors even for millions of classes.
   */
  public NDArray positiveLoss(NDArray cos, long[] targets) {
    NDArray index = cos.getManager().create(targets).reshape(-1, 1);
    NDArray target = cos.gather(index, 1);
    NDArray logits = cos.scatter(index, targetWithMargin(target), 1).mul(scale);
    return logits.logSoftmax(1).gather(index, 1).neg().mean();
  }

  /** Mean over negatives of their top-k cosines, each clipped below at 0. */
  public NDArray negativeLoss(NDArray cos) {
    int k = topK((int) cos.getShape().get(1));
    return cos.topK(k, 1, true, false).get(0).maximum(0f).mean();
  }

  NDArray targetWithMargin(NDArray cosTarget) {
    if (margin == Margin.COSFACE) {
      return cosTarget.sub(m);
    }
    NDArray sin = cosTarget.square().neg().add(1f).clip(1e-7f, 1f).sqrt();
    NDArray phi = cosTarget.mul((float) Math.cos(m)).sub(sin.mul((float) Math.sin(m)));
    float threshold = (float) Math.cos(Math.PI - m);
    NDArray fallback = cosTarget.sub((float) (Math.sin(Math.PI - m) * m));
    return NDArrays.where(cosTarget.gt(threshold), phi, fallback);
  }

  private static NDArray rows(NDArray matrix, int[] rows) {
    long[] index = Arrays.stream(rows).mapToLong(i -> i).toArray();
    return matrix.get(new NDIndex("{}", matrix.getManager().create(index)));
  }

  private static int[] indicesWhere(int[] labels, boolean positive) {
    return java.util.stream.IntStream.range(0, labels.length)
        .filter(i -> (labels[i] >= 0) == positive).toArray();
  }
}
