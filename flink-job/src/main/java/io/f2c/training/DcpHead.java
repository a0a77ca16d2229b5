package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * F2C's head: the Dynamic Class Pool fed by the gallery net, and the two-pass loss.
 *
 * <p>Pass 1 (rolled back): gallery features of y are written into the pool, the probes of x are scored against it,
 * then the pool is put back exactly. Pass 2 (kept): gallery features of x are written, the probes of y are scored.
 * Each pass scores twice: against slot 0 of every row (cos1) and against slot 1 for the rows updated in the pass, slot
 * 0 elsewhere (cos2). One backward pass then covers both passes.
 */
final class DcpHead implements ClassificationHead {
  private final Networks nets;
  private final DynamicClassPool pool;
  private final F2cLoss loss;
  private final float emaMomentum;
  private NDArray galleryX;
  private NDArray galleryY;

  DcpHead(TrainerConfig config, Networks nets, NDManager manager) {
    this.nets = nets;
    this.pool = new DynamicClassPool(manager, config.poolSize(), config.embeddingDim(), config.seed() ^ 0x5EEDL);
    this.loss = new F2cLoss(config.margin(), config.scale(), config.marginValue());
    this.emaMomentum = config.emaMomentum();
  }

  DynamicClassPool pool() {
    return pool;
  }

  @Override
  public void prepare(NDArray x, NDArray y) {
    nets.emaUpdate(emaMomentum);
    long n = x.getShape().get(0);
    NDArray gallery = nets.forwardGallery(y.concat(x));
    galleryY = gallery.get(new NDIndex("0:" + n));
    galleryX = gallery.get(new NDIndex(n + ":"));
  }

  @Override
  public StepLoss loss(NDArray probeX, NDArray probeY, String[] xLabels, String[] yLabels) {
    pool.beginPass(true);
    pool.write(galleryY, yLabels);
    NDArray first = passLoss(probeX, pool.view(xLabels), true);
    pool.rollbackPass();

    pool.beginPass(false);
    pool.write(galleryX, xLabels);
    int[] rows = pool.view(yLabels);
    NDArray second = passLoss(probeY, rows, false);
    pool.endPass();
    int hits = (int) java.util.Arrays.stream(rows).filter(r -> r >= 0).count();
    return new StepLoss(first.add(second), rows.length, hits);
  }

  /** margin_loss(cos1) + margin_loss(cos2) for one pass; a pass to be rolled back scores against copies. */
  NDArray passLoss(NDArray probes, int[] rows, boolean rollbackFollows) {
    NDArray cos1 = probes.matMul(pool.slot0(rollbackFollows).transpose());
    NDArray cos2 = probes.matMul(pool.secondSlotWeights().transpose());
    return loss.loss(cos1, rows).add(loss.loss(cos2, rows));
  }

  @Override
  public List<NDArray> trainableArrays() {
    return List.of();
  }

  @Override
  public double occupancy() {
    return pool.occupancy();
  }

  @Override
  public void writeState(DataOutputStream out) throws IOException {
    TrainerSnapshot.writeFloats(out, pool.featureValues());
    byte[] toggles = pool.toggles();
    out.writeInt(toggles.length);
    out.write(toggles);
    out.writeInt(pool.lru().rowsUsed());
    List<Map.Entry<String, Integer>> order = pool.lru().mostRecentFirst();
    out.writeInt(order.size());
    for (var entry : order) {
      out.writeUTF(entry.getKey());
      out.writeInt(entry.getValue());
    }
  }

  @Override
  public void readState(DataInputStream in) throws IOException {
    float[] features = TrainerSnapshot.readFloats(in);
    byte[] toggles = new byte[in.readInt()];
    in.readFully(toggles);
    int rowsUsed = in.readInt();
    int size = in.readInt();
    List<Map.Entry<String, Integer>> order = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      order.add(Map.entry(in.readUTF(), in.readInt()));
    }
    pool.restore(features, toggles, order, rowsUsed);
  }

  @Override
  public void close() {
    pool.close();
  }
}
