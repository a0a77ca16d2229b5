package io.f2c.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph under construction (nodes in topological order, named initializers) and its
 * serialisation as a ModelProto. Field numbers are those of onnx.proto.
 */
final class OnnxGraph {
  /** ONNX IR version 7 goes with opset 13. */
  static final long IR_VERSION = 7;

  static final long OPSET = 13;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final Map<String, ProtoWriter> initializers = new LinkedHashMap<>();
  private int counter;

  /** A node attribute; build with the static factories. */
  record Attribute(String name, ProtoWriter proto) {
    static Attribute ints(String name, long... values) {
      return new Attribute(
          name, new ProtoWriter().string(1, name).int64(20, 7).packedInt64(8, values));
    }

    static Attribute integer(String name, long value) {
      return new Attribute(name, new ProtoWriter().string(1, name).int64(20, 2).int64(3, value));
    }

    static Attribute real(String name, float value) {
      return new Attribute(name, new ProtoWriter().string(1, name).int64(20, 1).float32(2, value));
    }
  }

  boolean hasInitializer(String name) {
    return initializers.containsKey(name);
  }

  /** Adds float tensor {@code name} (row-major values of shape {@code dims}) once; returns name. */
  String floats(String name, long[] dims, float[] values) {
    if (!initializers.containsKey(name)) {
      ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(values);
      initializers.put(name, tensor(name, dims, FLOAT).bytes(9, raw.array()));
    }
    return name;
  }

  /** Adds int64 tensor {@code name} once; returns name. */
  String int64s(String name, long[] dims, long... values) {
    if (!initializers.containsKey(name)) {
      initializers.put(name, tensor(name, dims, INT64).packedInt64(7, values));
    }
    return name;
  }

  /**
   * Appends node {@code op} reading {@code inputs}; returns the name of its (only) output, made
   * from {@code hint}.
   */
  String node(String op, String hint, List<String> inputs, Attribute... attributes) {
    String output = hint + "#" + counter++;
    nodeTo(op, output, inputs, attributes);
    return output;
  }

  /** Appends node {@code op} writing output {@code output}. */
  void nodeTo(String op, String output, List<String> inputs, Attribute... attributes) {
    ProtoWriter node = new ProtoWriter();
    for (String input : inputs) {
      node.string(1, input);
    }
    node.string(2, output).string(3, output).string(4, op);
    for (Attribute a : attributes) {
      node.message(5, a.proto());
    }
    nodes.add(node);
  }

  /**
   * The ModelProto: float input {@code input} of shape {@code inputDims} (null: the symbolic
   * dimension "batch"), float output {@code output} of {@code outputDims}, and string metadata.
   */
  byte[] model(
      String graphName,
      String input,
      Long[] inputDims,
      String output,
      Long[] outputDims,
      Map<String, String> metadata) {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, graphName);
    initializers.values().forEach(t -> graph.message(5, t));
    graph.message(11, valueInfo(input, inputDims));
    graph.message(12, valueInfo(output, outputDims));

    ProtoWriter model =
        new ProtoWriter()
            .int64(1, IR_VERSION)
            .string(2, "f2c")
            .string(3, "1")
            .message(8, new ProtoWriter().string(1, "").int64(2, OPSET))
            .message(7, graph);
    metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
    return model.toByteArray();
  }

  private static ProtoWriter tensor(String name, long[] dims, int type) {
    return new ProtoWriter().packedInt64(1, dims).int64(2, type).string(8, name);
  }

  private static ProtoWriter valueInfo(String name, Long[] dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Long d : dims) {
      shape.message(
          1, d == null ? new ProtoWriter().string(2, "batch") : new ProtoWriter().int64(1, d));
    }
    ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }
}
