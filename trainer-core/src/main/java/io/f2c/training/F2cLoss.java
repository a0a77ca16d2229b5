package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import io.f2c.model.TorchScalars;

/**
 * F2C's margin loss on a matrix of cosines [B, Q] between normalised probe features and class
 * features.
 *
 * <ul>
 *   <li>Probes with a class (label >= 0): margin-softmax cross-entropy with scale s; the target
 *       cosine becomes cos - m (CosFace) or cos(theta + m) (ArcFace; past theta = pi - m it falls
 *       back to cos - m sin(m), as in insightface, to stay monotonic).
 *   <li>Probes without a class (label -1): the k largest cosines, each clipped below at 0,
 *       averaged; k = clamp(round(0.0002 Q), 3, 10) (at most Q).
 *   <li>loss = mean cross-entropy over positives + mean clipped top-k over negatives; an empty part
 *       adds 0.
 * </ul>
 */
public final class F2cLoss {

  /** The margin family. */
  public enum Margin {
    COSFACE,
    ARCFACE
  }

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

  /**
   * The loss of probes with pool rows {@code labels} (-1: not in the pool). Both terms are
   * evaluated on every row and masked, so a step costs the same whatever share of its probes the
   * pool holds: the head's time does not drift with the number of identities or the stream's mix.
   */
  public NDArray loss(NDArray cos, int[] labels) {
    NDManager manager = cos.getManager();
    int rows = labels.length;
    float[] positive = new float[rows];
    long[] targets = new long[rows];
    int positives = 0;
    for (int i = 0; i < rows; i++) {
      if (labels[i] >= 0) {
        positive[i] = 1f;
        targets[i] = labels[i];
        positives++;
      }
    }
    NDArray isPositive = manager.create(positive);
    NDArray ce =
        TorchScalars.div(
            crossEntropyPerRow(cos, targets).mul(isPositive).sum(), Math.max(1, positives));
    NDArray topK =
        TorchScalars.div(
            topKPerRow(cos).mul(isPositive.neg().add(1f)).sum(), Math.max(1, rows - positives));
    return ce.add(topK);
  }

  /**
   * Mean margin-softmax cross-entropy of rows {@code cos} [P, C] with target columns {@code
   * targets}.
   */
  public NDArray positiveLoss(NDArray cos, long[] targets) {
    return crossEntropyPerRow(cos, targets).mean();
  }

  /**
   * Per-row margin-softmax cross-entropy [P]. Only the target column is replaced (scatter), so the
   * cost is a few P x C tensors even for millions of classes.
   */
  NDArray crossEntropyPerRow(NDArray cos, long[] targets) {
    NDArray index = cos.getManager().create(targets).reshape(-1, 1);
    NDArray target = cos.gather(index, 1);
    NDArray logits = TorchScalars.mul(cos.scatter(index, targetWithMargin(target), 1), scale);
    return logits.logSoftmax(1).gather(index, 1).neg().reshape(-1);
  }

  /** Per-row mean of the k largest cosines, each clipped below at 0 [P]. */
  NDArray topKPerRow(NDArray cos) {
    int k = topK((int) cos.getShape().get(1));
    return TorchScalars.maximum(cos.topK(k, 1, true, false).get(0), 0f).mean(new int[] {1});
  }

  NDArray targetWithMargin(NDArray cosTarget) {
    if (margin == Margin.COSFACE) {
      return cosTarget.sub(m);
    }
    NDArray sin = cosTarget.square().neg().add(1f).clip(1e-7f, 1f).sqrt();
    NDArray phi =
        TorchScalars.mul(cosTarget, (float) Math.cos(m))
            .sub(TorchScalars.mul(sin, (float) Math.sin(m)));
    float threshold = (float) Math.cos(Math.PI - m);
    NDArray fallback = cosTarget.sub((float) (Math.sin(Math.PI - m) * m));
    return NDArrays.where(cosTarget.gt(threshold), phi, fallback);
  }
}
