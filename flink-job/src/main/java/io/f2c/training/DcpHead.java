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

/** F2C's head: the gallery net's moving average and features, the Dynamic Class Pool, the two-pass loss. */
final class DcpHead implements ClassificationHead {
  private final Networks nets;
  private final DynamicClassPool pool;
  private final DcpStep step;
  private final float emaMomentum;
  private NDArray galleryX;
  private NDArray galleryY;

  DcpHead(TrainerConfig config, Networks nets, NDManager manager) {
    this.nets = nets;
    this.pool = new DynamicClassPool(manager, config.poolSize(), config.embeddingDim(), config.seed() ^ 0x5EEDL);
    this.step = new DcpStep(pool, new F2cLoss(config.margin(), config.scale(), config.marginValue()));
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
  public HeadLoss loss(NDArray probeX, NDArray probeY, String[] xLabels, String[] yLabels) {
    return step.twoPassLoss(probeX, probeY, galleryX, galleryY, xLabels, yLabels);
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
  public void writeState(DataOutputStream out, boolean features) throws IOException {
    out.writeBoolean(features);
    if (features) {
      TrainerSnapshot.writeFloats(out, pool.featureValues());
    }
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
  public void readState(DataInputStream in, boolean features) throws IOException {
    if (in.readBoolean() != features) {
      throw new IOException(features ? "the snapshot has no pool features" : "unexpected pool features");
    }
    float[] values = features ? TrainerSnapshot.readFloats(in) : null;
    byte[] toggles = new byte[in.readInt()];
    in.readFully(toggles);
    int rowsUsed = in.readInt();
    int size = in.readInt();
    List<Map.Entry<String, Integer>> order = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      order.add(Map.entry(in.readUTF(), in.readInt()));
    }
    pool.restore(values, toggles, order, rowsUsed);
  }

  @Override
  public void close() {
    pool.close();
  }
}
