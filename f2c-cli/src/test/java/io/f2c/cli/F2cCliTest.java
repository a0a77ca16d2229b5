package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.f2c.training.TrainingDevice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class F2cCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return F2cCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryCommand() {
    assertEquals(0, run("--help"));
    String text = out.toString(StandardCharsets.UTF_8);
    for (Command c : Commands.ALL) {
      assertTrue(text.contains("  " + c.name() + " "), text);
    }
  }

  @Test
  void eachCommandHasHelp() {
    for (Command c : Commands.ALL) {
      out.reset();
      assertEquals(0, run(c.name(), "--help"));
      assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: f2c " + c.name()));
    }
  }

  @Test
  void wrongFlagGivesOneLineErrorThenUsage() {
    assertEquals(2, run("demo", "--secnds", "5"));
    String[] lines = err().split("\n");
    assertEquals("f2c demo: unknown flag --secnds", lines[0]);
    assertTrue(lines[1].startsWith("usage: f2c demo"), err());
  }

  @Test
  void unknownOrMissingCommandIsAUsageError() {
    assertEquals(2, run("train-everything"));
    assertTrue(
        err().startsWith("f2c: unknown command 'train-everything'\nusage: f2c COMMAND"), err());
    err.reset();
    assertEquals(2, run());
    assertTrue(err().startsWith("f2c: missing command"), err());
  }

  @Test
  void produceNeedsKafkaAndAnExistingFolder() {
    assertEquals(2, run("produce", "--images", "/nowhere"));
    assertTrue(err().startsWith("f2c produce: --bootstrap-servers is required"), err());
    err.reset();
    assertEquals(
        2, run("produce", "--bootstrap-servers", "127.0.0.1:1", "--images", "/nowhere/at/all"));
    assertTrue(err().startsWith("f2c produce: image folder /nowhere/at/all does not exist"), err());
  }

  @Test
  void benchPipelineRefusesSettingsItCannotTime() {
    assertEquals(2, run("bench", "pipeline", "--rounds", "0"));
    assertTrue(
        err()
            .startsWith(
                "f2c bench pipeline: invalid value '0' for --rounds: must be a positive whole number"),
        err());
    err.reset();
    assertEquals(2, run("bench", "pipeline", "--steps", "10", "--publish-every-steps", "20"));
    assertTrue(
        err()
            .startsWith(
                "f2c bench pipeline: bench pipeline times the job by its model versions: "
                    + "--publish-every-steps (20) must not exceed --steps (10)"),
        err());
  }

  @Test
  void aDeviceThisMachineLacksFailsTheDemoAtOnceInOneLine() throws Exception {
    if (Engine.getEngine("PyTorch").getGpuCount() > 0) {
      assertEquals(Device.gpu(), TrainingDevice.GPU.resolve(), "a GPU machine trains on it");
      return;
    }
    assertEquals(2, run("demo", "--device", "gpu", "--seconds", "5"));
    assertEquals(
        List.of(
            "f2c demo: --device gpu: DJL finds no GPU on this machine (use --device cpu or auto, or a"
                + " CUDA build of libtorch)"),
        err().lines().toList());
  }
}
