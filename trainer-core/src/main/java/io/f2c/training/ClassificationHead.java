package io.f2c.training;

import ai.djl.ndarray.NDArray;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** What turns probe embeddings into a loss: F2C's Dynamic Class Pool, or the full FC baseline. */
interface ClassificationHead extends AutoCloseable {

  /**
   * Work before the probe forward pass, outside the gradient tape (F2C: moving average, gallery
   * features).
   */
  void prepare(NDArray x, NDArray y);

  /** The step's loss from probe embeddings of x and y (recorded on the tape). */
  HeadLoss loss(NDArray probeX, NDArray probeY, String[] xLabels, String[] yLabels);

  /** Arrays the optimizer updates besides P's (FC: the class weights). */
  List<NDArray> trainableArrays();

  /** Share of the pool (or of the FC classes) holding an identity. */
  double occupancy();

  /**
   * Writes the head's state; without {@code features} the DCP's feature rows are left out (kept
   * elsewhere).
   */
  void writeState(DataOutputStream out, boolean features) throws IOException;

  void readState(DataInputStream in, boolean features) throws IOException;

  @Override
  void close();
}
