package io.f2c.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.f2c.model.Embedder;
import io.f2c.model.ModelBlob;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backbone, exported to ONNX and run by ONNX Runtime, embeds as DJL does: within 1e-4, with
 * and without test-time flips, at two batch sizes through the one graph (its batch is dynamic).
 */
class OnnxParityTest {
  private static final int DIM = 32;

  static Stream<Arguments> backbones() {
    return Stream.of(
        Arguments.of(Backbone.SMALL_CNN, 24, 3, false),
        Arguments.of(Backbone.SMALL_CNN, 24, 1, true),
        Arguments.of(Backbone.MEDIUM_CNN, 24, 3, true),
        Arguments.of(Backbone.MOBILEFACENET, 32, 3, true),
        Arguments.of(Backbone.MOBILEFACENET, 32, 1, false));
  }

  @ParameterizedTest(name = "{0} {1}px {2}ch flip={3}")
  @MethodSource("backbones")
  void onnxRuntimeEmbedsAsTheModelDoes(Backbone backbone, int size, int channels, boolean flip)
      throws Exception {
    PreprocessSpec spec = PreprocessSpec.of(size, channels, 1.0);
    byte[] blob = trainedLookingBlob(backbone, spec, flip, 7);
    byte[] onnx = OnnxExport.fromBlob(blob, Map.of("f2c.model_version", "3"));

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (Embedder embedder = Embedder.load(blob);
        OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
      NodeInfo input = session.getInputInfo().get(OnnxExport.INPUT);
      long[] inputShape = ((TensorInfo) input.getInfo()).getShape();
      assertArrayEquals(new long[] {-1, channels, size, size}, inputShape, "dynamic batch");
      long[] outputShape =
          ((TensorInfo) session.getOutputInfo().get(OnnxExport.OUTPUT).getInfo()).getShape();
      assertArrayEquals(new long[] {-1, DIM}, outputShape);
      Map<String, String> metadata = session.getMetadata().getCustomMetadata();
      assertEquals(backbone.id(), metadata.get("f2c.architecture"));
      assertEquals(Boolean.toString(flip), metadata.get("f2c.test_time_flip"));
      assertEquals(Float.toString(spec.normScale()), metadata.get("f2c.norm_scale"));
      assertEquals("3", metadata.get("f2c.model_version"));

      for (int count : new int[] {3, 1}) {
        float[] images = images(count, spec, count);
        float[] expected = embedder.embed(images, count);
        float[] actual = run(env, session, images, new long[] {count, channels, size, size});
        assertEquals(expected.length, actual.length);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
          worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-4f, backbone + ": largest difference " + worst + " over 1e-4");
        // A net that ignored its input would pass the bound above with identical rows.
        assertTrue(
            count == 1 || Math.abs(actual[0] - actual[DIM]) > 1e-6f, "rows differ per image");
      }
    }
  }

  private static float[] run(OrtEnvironment env, OrtSession session, float[] images, long[] shape)
      throws Exception {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape);
        OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, tensor))) {
      float[][] rows = (float[][]) result.get(0).getValue();
      float[] flat = new float[rows.length * rows[0].length];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
      }
      return flat;
    }
  }

  /**
   * A freshly initialised net whose BatchNorm statistics, affine terms and PReLU slopes are drawn
   * at random too (fresh ones are 0, 1 and 0.25 everywhere, which would hide a wrong translation).
   */
  static byte[] trainedLookingBlob(
      Backbone backbone, PreprocessSpec spec, boolean flip, long seed) {
    Random random = new Random(seed);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed((int) seed);
      Block net = backbone.create(DIM, spec.size());
      net.initialize(
          manager, DataType.FLOAT32, new Shape(2, spec.channels(), spec.size(), spec.size()));
      for (Pair<String, Parameter> p : net.getParameters()) {
        String name = p.getKey();
        NDArray array = p.getValue().getArray();
        float low;
        float high;
        if (name.endsWith("runningVar")) {
          low = 0.5f;
          high = 2f;
        } else if (name.endsWith("gamma")) {
          low = 0.7f;
          high = 1.3f;
        } else if (name.endsWith("runningMean") || name.endsWith("beta")) {
          low = -0.2f;
          high = 0.2f;
        } else if (name.endsWith("slope")) {
          low = 0f;
          high = 0.5f;
        } else {
          continue;
        }
        float[] values = new float[(int) array.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = low + (high - low) * random.nextFloat();
        }
        array.set(FloatBuffer.wrap(values));
      }
      return ModelBlob.write(backbone, DIM, spec, flip, net);
    }
  }

  private static float[] images(int count, PreprocessSpec spec, long seed) {
    Random random = new Random(seed);
    float[] images = new float[count * spec.tensorLength()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (random.nextInt(256) - spec.normMean()) / spec.normScale();
    }
    return images;
  }
}
