package io.f2c.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code f2c demo} arguments for a model small enough to publish its first version in seconds. */
final class TinyDemo {
  private TinyDemo() {}

  /** "demo", then {@code extra}, then the small-model settings (a version every 5 steps). */
  static String[] args(Path checkpointDir, String... extra) {
    return command("demo", checkpointDir, extra);
  }

  /** {@code command} (its words), then {@code extra}, then the small-model settings. */
  static String[] command(String command, Path checkpointDir, String... extra) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of(extra));
    args.addAll(
        List.of(
            "--rate", "40",
            "--input-size", "32",
            "--identity-batch", "4",
            "--instance-batch", "8",
            "--shuffle-buffer", "16",
            "--publish-every-steps", "5",
            "--checkpoint-interval-ms", "1000",
            "--checkpoint-dir", checkpointDir.toString()));
    return args.toArray(new String[0]);
  }

  /**
   * {@code command} (its words), then {@code extra}, then the small model's training settings, for
   * commands that set their own rate and checkpoint directory (the benchmarks).
   */
  static String[] training(String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of(extra));
    args.addAll(
        List.of(
            "--input-size", "32",
            "--embedding-dim", "64",
            "--identity-batch", "4",
            "--instance-batch", "8",
            "--shuffle-buffer", "16",
            "--publish-every-steps", "5",
            "--checkpoint-interval-ms", "1000"));
    return args.toArray(new String[0]);
  }
}
