package io.f2c.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline F2C replaces: a full N x D classifier (cosine against normalised class weights, same
 * margin family), trained with the same optimizer. Every identity gets a class the first time it is
 * seen; memory and time grow with N.
 */
public final class FcHead implements ClassificationHead {
  private final NDArray weights;
  private final F2cLoss loss;
  private final int classes;
  private final Map<String, Integer> classOf = new HashMap<>();
  private final List<String> identities = new ArrayList<>();

  public FcHead(TrainerConfig config, NDManager manager) {
    this.classes = config.fcClasses();
    this.loss = new F2cLoss(config.margin(), config.scale(), config.marginValue());
    Engine.getEngine("PyTorch").setRandomSeed((int) (config.seed() ^ 0xFCL));
    this.weights =
        manager.randomNormal(
            0f, 0.01f, new Shape(classes, config.embeddingDim()), DataType.FLOAT32);
    weights.setRequiresGradient(true);
  }

  @Override
  public void prepare(NDArray x, NDArray y) {}

  @Override
  public HeadLoss loss(NDArray probeX, NDArray probeY, String[] xLabels, String[] yLabels) {
    NDArray probes = probeX.concat(probeY);
    long[] targets = new long[xLabels.length + yLabels.length];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = classOf(i < xLabels.length ? xLabels[i] : yLabels[i - xLabels.length]);
    }
    // Cosines without a normalised copy of the N x D weights: divide the dot products by the row
    // norms instead.
    NDArray norms = weights.norm(new int[] {1}, false).add(1e-12f).reshape(1, -1);
    NDArray cos = probes.matMul(weights.transpose()).div(norms);
    return new HeadLoss(loss.positiveLoss(cos, targets), targets.length, targets.length);
  }

  private int classOf(String identity) {
    Integer known = classOf.get(identity);
    if (known != null) {
      return known;
    }
    if (identities.size() == classes) {
      throw new IllegalStateException(
          "the FC head has "
              + classes
              + " classes, all taken; identity '"
              + identity
              + "' does not fit (raise fcClasses, or use the DCP head, whose size does not depend on N)");
    }
    classOf.put(identity, identities.size());
    identities.add(identity);
    return identities.size() - 1;
  }

  @Override
  public List<NDArray> trainableArrays() {
    return List.of(weights);
  }

  @Override
  public double occupancy() {
    return identities.size() / (double) classes;
  }

  @Override
  public void writeState(DataOutputStream out, boolean features) throws IOException {
    TrainerSnapshot.writeArray(out, weights);
    out.writeInt(identities.size());
    for (String id : identities) {
      out.writeUTF(id);
    }
  }

  @Override
  public void readState(DataInputStream in, boolean features) throws IOException {
    InPlace.copy(weights, TrainerSnapshot.readFloats(in));
    classOf.clear();
    identities.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      classOf(in.readUTF());
    }
  }

  @Override
  public void close() {
    weights.close();
  }
}
