package io.f2c.cli;

import io.f2c.cli.config.ToolOptions;
import io.f2c.export.OnnxExport;
import io.f2c.job.config.F2cConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** {@code f2c export}: a model file as an ONNX graph ({@link OnnxExport}). */
final class ExportCommand {
  private ExportCommand() {}

  static int run(F2cConfig config, PrintStream out) throws IOException {
    String model = config.get(ToolOptions.MODEL_FILE);
    Path onnx = config.get(ToolOptions.ONNX_FILE);
    if (model.isBlank() || onnx == null) {
      throw new F2cConfig.UsageException(
          "needs --model FILE (a model saved by subscribe --save) and --onnx OUT");
    }
    Path source = Path.of(model.trim());
    if (!Files.isRegularFile(source)) {
      throw new IllegalArgumentException(
          "--model " + source + " is not a file; give a model saved by subscribe --save");
    }
    byte[] graph =
        OnnxExport.fromBlob(
            Files.readAllBytes(source), Map.of("f2c.source_file", source.getFileName().toString()));
    Path target = onnx.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), ".partial-", ".onnx");
    try {
      Files.write(partial, graph);
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    out.println("wrote " + target + " (" + graph.length + " bytes, ONNX opset 13)");
    return 0;
  }
}
