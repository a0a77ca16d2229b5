package io.f2c.training;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * F2C's two-pass loss over a {@link DynamicClassPool}, given probe features (on the gradient tape)
 * and gallery features (off it) of the step's halves x and y.
 *
 * <p>Pass 1 (rolled back): gallery features of y are written into the pool, the probes of x are
 * scored against it, then the pool is put back exactly. Pass 2 (kept): gallery features of x are
 * written, the probes of y are scored. Each pass scores twice: against slot 0 of every row (cos1)
 * and against slot 1 for the rows updated in the pass, slot 0 elsewhere (cos2). The caller runs one
 * backward pass over the sum.
 */
public final class DcpStep {
  private final DynamicClassPool pool;
  private final F2cLoss loss;

  public DcpStep(DynamicClassPool pool, F2cLoss loss) {
    this.pool = pool;
    this.loss = loss;
  }

  public HeadLoss twoPassLoss(
      NDArray probeX,
      NDArray probeY,
      NDArray galleryX,
      NDArray galleryY,
      String[] xLabels,
      String[] yLabels) {
    pool.beginPass(true);
    pool.write(galleryY, yLabels);
    NDArray first = passLoss(probeX, pool.view(xLabels), true);
    pool.rollbackPass();

    pool.beginPass(false);
    pool.write(galleryX, xLabels);
    int[] rows = pool.view(yLabels);
    NDArray second = passLoss(probeY, rows, false);
    pool.endPass();
    int hits = (int) Arrays.stream(rows).filter(r -> r >= 0).count();
    return new HeadLoss(first.add(second), rows.length, hits);
  }

  /**
   * margin_loss(cos1) + margin_loss(cos2) for one pass; a pass to be rolled back scores against
   * copies.
   */
  private NDArray passLoss(NDArray probes, int[] rows, boolean rollbackFollows) {
    NDArray cos1 = probes.matMul(pool.slot0(rollbackFollows).transpose());
    NDArray cos2 = pool.secondLogits(probes, cos1);
    return loss.loss(cos1, rows).add(loss.loss(cos2, rows));
  }
}
