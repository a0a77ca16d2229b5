package io.f2c.training;

import ai.djl.ndarray.NDArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The trainer's state as bytes: a format header, the config it belongs to, the step counter (which
 * is also the learning-rate schedule's position), P's arrays (weights and BatchNorm statistics),
 * G's arrays, the optimizer's momentum buffers, and the head (DCP: pool features, toggles, LRU
 * order; FC: class weights and classes). Floats are stored as their exact bits, so a restore
 * continues bit for bit. The trainer draws no random numbers after it is built (batches arrive
 * composed), so no generator state is needed.
 */
public final class TrainerSnapshot {
  static final int MAGIC = 0x46324354; // "F2CT"
  static final int VERSION = 2;

  /** Floats copied out of an array at a time when it is written (4 MiB). */
  static final long BLOCK_FLOATS = 1L << 20;

  private TrainerSnapshot() {}

  static byte[] write(F2cTrainer trainer, boolean poolFeatures) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(trainer, poolFeatures, bytes);
    return bytes.toByteArray();
  }

  /**
   * Writes the snapshot to {@code sink}, array by array in blocks: a large pool is never copied
   * onto the heap whole (a digest streams it through).
   */
  static void write(F2cTrainer trainer, boolean poolFeatures, OutputStream sink) {
    // Stored, not compressed: this runs in the checkpoint's synchronous phase on the trainer's
    // thread, and weights barely compress, so even the fastest level costs training time.
    Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
    try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(sink, deflater))) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      Map<String, String> structure = trainer.config().structure();
      out.writeInt(structure.size());
      for (Map.Entry<String, String> setting : structure.entrySet()) {
        out.writeUTF(setting.getKey());
        out.writeUTF(setting.getValue());
      }
      out.writeLong(trainer.steps());
      writeArrays(out, trainer.networks().probeArrays());
      writeArrays(out, trainer.networks().galleryArrays());
      writeArrays(out, trainer.optimizer().buffers());
      trainer.head().writeState(out, poolFeatures);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deflater.end(); // a deflater passed in is not ended by the stream
    }
  }

  static void read(F2cTrainer trainer, byte[] snapshot, boolean poolFeatures) {
    try (DataInputStream in =
        new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(snapshot)))) {
      requireSameStructure(readHeader(in), trainer.config().structure());
      long steps = in.readLong();
      readArrays(in, trainer.networks().probeArrays());
      readArrays(in, trainer.networks().galleryArrays());
      readArrays(in, trainer.optimizer().buffers());
      trainer.head().readState(in, poolFeatures);
      trainer.setSteps(steps);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt trainer snapshot: " + e.getMessage(), e);
    }
  }

  /**
   * The parts of a snapshot that K trainers average, read without a trainer.
   *
   * @param networks P's arrays then G's, as {@link F2cTrainer#networkValues}
   * @param momentum the optimizer's buffers, as {@link F2cTrainer#momentumValues}
   */
  public record Parts(long steps, List<float[]> networks, List<float[]> momentum) {}

  public static Parts parts(byte[] snapshot) {
    try (DataInputStream in =
        new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(snapshot)))) {
      readHeader(in);
      long steps = in.readLong();
      List<float[]> networks = new ArrayList<>(readFloatArrays(in));
      networks.addAll(readFloatArrays(in));
      return new Parts(steps, networks, readFloatArrays(in));
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt trainer snapshot: " + e.getMessage(), e);
    }
  }

  private static List<float[]> readFloatArrays(DataInputStream in) throws IOException {
    int count = in.readInt();
    List<float[]> arrays = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      arrays.add(readFloats(in));
    }
    return arrays;
  }

  /**
   * Refuses a snapshot that cannot restore into a trainer of {@code config}, without building one:
   * the message names the first structural setting that differs.
   */
  public static void requireRestorable(byte[] snapshot, TrainerConfig config) {
    try (DataInputStream in =
        new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(snapshot)))) {
      requireSameStructure(readHeader(in), config.structure());
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt trainer snapshot: " + e.getMessage(), e);
    }
  }

  /** Magic, format version and the structural settings the snapshot was taken with. */
  private static Map<String, String> readHeader(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IllegalArgumentException("not a trainer snapshot (bad magic)");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "snapshot format v" + version + " is not supported (this is v" + VERSION + ")");
    }
    Map<String, String> structure = new LinkedHashMap<>();
    int settings = in.readInt();
    for (int i = 0; i < settings; i++) {
      structure.put(in.readUTF(), in.readUTF());
    }
    return structure;
  }

  /**
   * Only the settings that shape the state must agree; the message names the first that does not.
   */
  static void requireSameStructure(Map<String, String> snapshot, Map<String, String> trainer) {
    for (Map.Entry<String, String> setting : trainer.entrySet()) {
      String stored = snapshot.get(setting.getKey());
      if (!setting.getValue().equals(stored)) {
        throw new IllegalArgumentException(
            "the saved training state has --"
                + setting.getKey()
                + " "
                + stored
                + ", this job has --"
                + setting.getKey()
                + " "
                + setting.getValue()
                + ": start with the saved value, or without the saved state");
      }
    }
  }

  private static void writeArrays(DataOutputStream out, List<NDArray> arrays) throws IOException {
    out.writeInt(arrays.size());
    for (NDArray array : arrays) {
      writeArray(out, array);
    }
  }

  private static void readArrays(DataInputStream in, List<NDArray> arrays) throws IOException {
    int count = in.readInt();
    if (count != arrays.size()) {
      throw new IOException("expected " + arrays.size() + " arrays, found " + count);
    }
    for (NDArray array : arrays) {
      float[] values = readFloats(in);
      if (values.length != array.size()) {
        throw new IOException(
            "array of " + array.getShape() + " cannot take " + values.length + " values");
      }
      InPlace.copy(array, values);
    }
  }

  /**
   * {@link #writeFloats} of the array's values, copied out in blocks of rows of about {@value
   * #BLOCK_FLOATS} floats.
   */
  static void writeArray(DataOutputStream out, NDArray array) throws IOException {
    long size = array.size();
    long rows = array.getShape().dimension() == 0 ? 1 : array.getShape().get(0);
    long rowSize = rows == 0 ? 1 : size / rows;
    if (size <= BLOCK_FLOATS || array.getShape().dimension() == 0) {
      writeFloats(out, array.toFloatArray());
      return;
    }
    out.writeInt(Math.toIntExact(size));
    long rowsPerBlock = Math.max(1, BLOCK_FLOATS / rowSize);
    for (long from = 0; from < rows; from += rowsPerBlock) {
      long to = Math.min(rows, from + rowsPerBlock);
      try (NDArray block = array.get(from + ":" + to)) {
        out.write(littleEndian(block.toFloatArray()));
      }
    }
  }

  static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    out.write(littleEndian(values));
  }

  private static byte[] littleEndian(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] raw = new byte[n * 4];
    in.readFully(raw);
    float[] values = new float[n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
