package io.f2c.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import io.f2c.export.OnnxGraph.Attribute;
import io.f2c.model.ModelBlob;
import io.f2c.model.backbone.Backbone;
import io.f2c.model.backbone.ChannelPrelu;
import io.f2c.model.backbone.Residual;
import io.f2c.preprocess.PreprocessSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A published model (an F2C model blob) as a standard ONNX graph, opset 13: input {@value #INPUT}
 * float [batch, C, S, S], already normalised as the model's {@link PreprocessSpec} says; output
 * {@value #OUTPUT} float [batch, D], L2-normalised. A model published with test-time flips has the
 * flip in the graph (the mirror's embedding added before the final normalisation), so the graph
 * computes exactly what {@link io.f2c.model.Embedder#embed} does. The preprocessing travels in the
 * model's metadata ({@code f2c.*} keys).
 */
public final class OnnxExport {
  public static final String INPUT = "images";
  public static final String OUTPUT = "embeddings";

  /** DJL's BatchNorm default, which every backbone uses. */
  private static final float BATCH_NORM_EPSILON = 1e-5f;

  private final OnnxGraph graph = new OnnxGraph();

  private OnnxExport() {}

  /**
   * The ONNX bytes of {@code blob}; {@code extraMetadata} (model name, version, threshold...) is
   * added to the model's metadata.
   *
   * @throws IllegalArgumentException when the blob does not load, or holds a layer with no ONNX
   *     translation
   */
  public static byte[] fromBlob(byte[] blob, Map<String, String> extraMetadata) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      ModelBlob.Loaded loaded = ModelBlob.read(blob, manager);
      return new OnnxExport().export(loaded.header(), loaded.net(), extraMetadata);
    }
  }

  private byte[] export(ModelBlob.Header header, Block net, Map<String, String> extraMetadata) {
    String embedding = emit(net, INPUT, "net");
    if (header.testTimeFlip()) {
      String mirrors =
          graph.node(
              "Slice",
              "mirror",
              List.of(
                  INPUT,
                  graph.int64s("mirror.starts", new long[] {1}, -1),
                  graph.int64s("mirror.ends", new long[] {1}, Long.MIN_VALUE),
                  graph.int64s("mirror.axes", new long[] {1}, 3),
                  graph.int64s("mirror.steps", new long[] {1}, -1)));
      String ofMirrors = emit(net, mirrors, "net");
      embedding = l2Normalize(graph.node("Add", "flipSum", List.of(embedding, ofMirrors)));
    }
    graph.nodeTo("Identity", OUTPUT, List.of(embedding));
    PreprocessSpec spec = header.input();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("f2c.architecture", header.architecture().id());
    metadata.put("f2c.embedding_dim", Integer.toString(header.embeddingDim()));
    metadata.put("f2c.input_size", Integer.toString(spec.size()));
    metadata.put("f2c.channels", Integer.toString(spec.channels()));
    metadata.put("f2c.crop_fraction", Float.toString(spec.cropFraction()));
    metadata.put("f2c.norm_mean", Float.toString(spec.normMean()));
    metadata.put("f2c.norm_scale", Float.toString(spec.normScale()));
    metadata.put("f2c.test_time_flip", Boolean.toString(header.testTimeFlip()));
    metadata.put(
        "f2c.preprocessing",
        "central square crop of "
            + spec.cropFraction()
            + " of the shorter side, bilinear resize to "
            + spec.size()
            + "x"
            + spec.size()
            + (spec.channels() == 1 ? " grey (0.299 R + 0.587 G + 0.114 B)" : " RGB")
            + ", rounded to 8 bits, then (x - "
            + spec.normMean()
            + ") / "
            + spec.normScale()
            + ", CHW");
    metadata.putAll(extraMetadata);
    return graph.model(
        "f2c-" + header.architecture().id(),
        INPUT,
        new Long[] {null, (long) spec.channels(), (long) spec.size(), (long) spec.size()},
        OUTPUT,
        new Long[] {null, (long) header.embeddingDim()},
        metadata);
  }

  /**
   * Appends the nodes of {@code block} applied to {@code input}; returns the output's name.
   * Parameters are named by their path in the network, so a second pass (the mirror) shares them.
   */
  private String emit(Block block, String input, String path) {
    if (block instanceof Residual residual) {
      String body = emit(residual.body(), input, path + ".body");
      return graph.node("Add", path, List.of(body, input));
    }
    if (block instanceof SequentialBlock) {
      String x = input;
      for (Pair<String, Block> child : block.getChildren()) {
        x = emit(child.getValue(), x, path + "." + child.getKey());
      }
      return x;
    }
    if (block instanceof Conv2d conv) {
      return conv(conv, input, path);
    }
    if (block instanceof BatchNorm) {
      List<String> inputs =
          List.of(
              input,
              parameter(block, "gamma", path),
              parameter(block, "beta", path),
              parameter(block, "runningMean", path),
              parameter(block, "runningVar", path));
      return graph.node(
          "BatchNormalization", path, inputs, Attribute.real("epsilon", BATCH_NORM_EPSILON));
    }
    if (block instanceof ChannelPrelu) {
      NDArray slope = block.getParameters().get("slope").getArray();
      long channels = slope.getShape().get(0);
      String name =
          graph.floats(path + ".slope", new long[] {channels, 1, 1}, slope.toFloatArray());
      return graph.node("PRelu", path, List.of(input, name));
    }
    if (block instanceof Linear) {
      String flat = graph.node("Flatten", path + ".flatten", List.of(input), flattenAxis());
      String weight = parameter(block, "weight", path);
      List<String> inputs =
          block.getParameters().contains("bias")
              ? List.of(flat, weight, parameter(block, "bias", path))
              : List.of(flat, weight);
      return graph.node("Gemm", path, inputs, Attribute.integer("transB", 1));
    }
    if (block instanceof LambdaBlock lambda) {
      return lambda(lambda, input, path);
    }
    throw new IllegalArgumentException(
        "no ONNX translation for a " + block.getClass().getSimpleName() + " at " + path);
  }

  private String conv(Conv2d conv, String input, String path) {
    long[] kernel = conv.getKernelShape().getShape();
    long[] stride = conv.getStride().getShape();
    long[] pad = conv.getPadding().getShape();
    long[] dilation = conv.getDilation().getShape();
    String weight = parameter(conv, "weight", path);
    List<String> inputs =
        conv.isIncludeBias()
            ? List.of(input, weight, parameter(conv, "bias", path))
            : List.of(input, weight);
    return graph.node(
        "Conv",
        path,
        inputs,
        Attribute.ints("kernel_shape", kernel),
        Attribute.ints("strides", stride),
        Attribute.ints("pads", pad[0], pad[1], pad[0], pad[1]),
        Attribute.ints("dilations", dilation),
        Attribute.integer("group", conv.getGroups()));
  }

  private String lambda(LambdaBlock lambda, String input, String path) {
    String name = lambda.getName();
    if (Backbone.L2_NORMALIZE_BLOCK.equals(name)) {
      return l2Normalize(graph.node("Flatten", path + ".flatten", List.of(input), flattenAxis()));
    }
    if ("batchFlatten".equals(name)) {
      return graph.node("Flatten", path, List.of(input), flattenAxis());
    }
    if ("identity".equals(name)) {
      return input;
    }
    throw new IllegalArgumentException(
        "no ONNX translation for the lambda '" + name + "' at " + path);
  }

  /** x / max(|x|_2, eps) per row, as the backbones' last block computes it. */
  private String l2Normalize(String input) {
    String norm =
        graph.node(
            "ReduceL2",
            "norm",
            List.of(input),
            Attribute.ints("axes", 1),
            Attribute.integer("keepdims", 1));
    String eps =
        graph.floats("l2.epsilon", new long[0], new float[] {Backbone.L2_NORMALIZE_EPSILON});
    String clamped = graph.node("Max", "norm.clamped", List.of(norm, eps));
    return graph.node("Div", "normalized", List.of(input, clamped));
  }

  private static Attribute flattenAxis() {
    return Attribute.integer("axis", 1);
  }

  /** Parameter {@code name} of {@code block} as an initializer named by its path. */
  private String parameter(Block block, String name, String path) {
    String id = path + "." + name;
    if (graph.hasInitializer(id)) {
      return id;
    }
    Parameter parameter = block.getParameters().get(name);
    if (parameter == null) {
      throw new IllegalArgumentException(
          block.getClass().getSimpleName() + " at " + path + " has no parameter " + name);
    }
    NDArray array = parameter.getArray();
    return graph.floats(id, array.getShape().getShape(), array.toFloatArray());
  }
}
