package io.f2c.job.scaleout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Networks as bytes for operator events: the number of arrays, each array's length, then every
 * float (little-endian, exact bits), cut into parts of at most {@link #PART_BYTES}.
 */
public final class FloatArrays {
  /** Well under the JobManager RPC's default frame size (10 MiB). */
  public static final int PART_BYTES = 2 << 20;

  private FloatArrays() {}

  public static byte[] encode(List<float[]> arrays) {
    long floats = 0;
    for (float[] a : arrays) {
      floats += a.length;
    }
    ByteBuffer out =
        ByteBuffer.allocate(Math.toIntExact(4 + 4L * arrays.size() + 4 * floats))
            .order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(arrays.size());
    for (float[] a : arrays) {
      out.putInt(a.length);
    }
    for (float[] a : arrays) {
      out.asFloatBuffer().put(a);
      out.position(out.position() + 4 * a.length);
    }
    return out.array();
  }

  public static List<float[]> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int count = in.getInt();
    int[] lengths = new int[count];
    for (int i = 0; i < count; i++) {
      lengths[i] = in.getInt();
    }
    List<float[]> arrays = new ArrayList<>(count);
    for (int length : lengths) {
      float[] a = new float[length];
      in.asFloatBuffer().get(a);
      in.position(in.position() + 4 * length);
      arrays.add(a);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes left over after the arrays");
    }
    return arrays;
  }

  /** {@code bytes} in consecutive parts of at most {@link #PART_BYTES}. */
  public static List<byte[]> split(byte[] bytes) {
    List<byte[]> parts = new ArrayList<>();
    for (int from = 0; from < bytes.length || parts.isEmpty(); from += PART_BYTES) {
      parts.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + PART_BYTES)));
    }
    return parts;
  }

  /** Collects the parts of one message in any order; {@link #whole} once all arrived. */
  public static final class Parts {
    private final byte[][] parts;
    private int arrived;

    public Parts(int count) {
      this.parts = new byte[count][];
    }

    /** Adds a part; true when it was the last one missing. */
    public boolean add(int index, byte[] bytes) {
      if (parts[index] == null) {
        parts[index] = bytes;
        arrived++;
      }
      return arrived == parts.length;
    }

    public byte[] whole() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] part : parts) {
        out.writeBytes(part);
      }
      return out.toByteArray();
    }
  }
}
