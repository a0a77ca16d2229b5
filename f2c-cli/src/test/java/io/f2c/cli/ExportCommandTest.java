package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.f2c.model.Embedder;
import io.f2c.testing.TestModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code f2c export}: a saved model file becomes an ONNX file that ONNX Runtime runs alike. */
class ExportCommandTest {
  @TempDir Path dir;
  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void writesAnOnnxFileThatEmbedsAsTheModelFile() throws Exception {
    byte[] blob = TestModels.blob(5, true);
    Path model = Files.write(dir.resolve("face-v3.f2cm"), blob);
    Path onnx = dir.resolve("out/face-v3.onnx");

    assertEquals(
        0, run("export", "--model", model.toString(), "--onnx", onnx.toString()), cli.err());
    assertTrue(cli.out().contains("wrote " + onnx), cli.out());

    int count = 2;
    int length = TestModels.SPEC.tensorLength();
    float[] images = new float[count * length];
    Random random = new Random(3);
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextFloat() * 2 - 1;
    }
    long[] shape = {
      count, TestModels.SPEC.channels(), TestModels.SPEC.size(), TestModels.SPEC.size()
    };
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (Embedder embedder = Embedder.load(blob);
        OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape);
        OrtSession.Result result = session.run(Map.of("images", input))) {
      assertEquals(
          "face-v3.f2cm", session.getMetadata().getCustomMetadata().get("f2c.source_file"));
      float[][] rows = (float[][]) result.get(0).getValue();
      float[] expected = embedder.embed(images, count);
      for (int i = 0; i < count; i++) {
        float[] want = new float[TestModels.DIM];
        System.arraycopy(expected, i * TestModels.DIM, want, 0, TestModels.DIM);
        assertArrayEquals(want, rows[i], 1e-4f);
      }
    }
  }

  @Test
  void aMissingModelFileIsOneLineThatSaysWhatToGive() {
    assertEquals(
        2,
        run(
            "export",
            "--model",
            dir.resolve("nope.f2cm").toString(),
            "--onnx",
            dir.resolve("x.onnx").toString()));
    String text = cli.err();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.contains("is not a file; give a model saved by subscribe --save"), text);
  }

  @Test
  void bytesThatAreNoModelAreRefusedWithoutWritingAFile() throws Exception {
    Path junk = Files.write(dir.resolve("junk.f2cm"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Path onnx = dir.resolve("junk.onnx");
    assertEquals(2, run("export", "--model", junk.toString(), "--onnx", onnx.toString()));
    assertTrue(cli.err().contains("bad magic"), cli.err());
    assertTrue(Files.notExists(onnx));
  }
}
