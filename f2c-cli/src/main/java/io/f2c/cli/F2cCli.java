package io.f2c.cli;

import io.f2c.cli.study.StudyContinualCommand;
import io.f2c.cli.study.StudyVersionsCommand;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.JobOptions;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./f2c COMMAND [options]}: the launcher's entry point. Exit codes: 0 ok, 1 failure, 2 usage
 * error.
 */
public final class F2cCli {
  private F2cCli() {}

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err);
    System.out.flush();
    // Kafka and Flink leave non-daemon threads behind; everything was closed above, so leave now.
    System.exit(rc);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println("f2c: missing command");
      err.print(usage());
      return 2;
    }
    if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.print(usage());
      return 0;
    }
    // Two-word commands ("bench head") are matched first.
    int words = args.length > 1 && List.of("bench", "cluster", "study").contains(args[0]) ? 2 : 1;
    String name = String.join(" ", Arrays.copyOfRange(args, 0, words));
    Optional<Command> command =
        Commands.ALL.stream().filter(c -> c.name().equals(name)).findFirst();
    if (command.isEmpty()) {
      err.println("f2c: unknown command '" + name + "'");
      err.print(usage());
      return 2;
    }
    Command cmd = command.get();
    String[] rest = Arrays.copyOfRange(args, words, args.length);
    F2cConfig config;
    try {
      config = cmd.parse(rest);
      if (config.get(F2cOptions.HELP)) {
        out.print(cmd.usage());
        return 0;
      }
      if (cmd == Commands.PRODUCE || cmd == Commands.JOB || cmd == Commands.SUBSCRIBE) {
        JobOptions.requireBootstrapServers(config);
      }
    } catch (F2cConfig.UsageException e) {
      err.println("f2c " + cmd.name() + ": " + e.getMessage());
      err.print(cmd.usage());
      return 2;
    }
    try {
      return switch (cmd.name()) {
        case "demo" -> new DemoCommand(config, out).run();
        case "produce" -> ProduceCommand.run(config, out, err);
        case "job" -> new DemoCommand(config, out).runJobOnly();
        case "eval" -> new EvalCommand(config, out).run();
        case "subscribe" -> SubscribeCommand.run(config, out);
        case "serve" -> ServeCommand.run(config, out);
        case "export" -> ExportCommand.run(config, out);
        case "study versions" -> StudyVersionsCommand.run(config, out);
        case "study continual" -> StudyContinualCommand.run(config, out);
        case "bench head" -> BenchCommand.head(config, out, err);
        case "bench pipeline" -> BenchCommand.pipeline(config, out, err);
        case "bench identities" -> ScaleBenchCommand.identities(config, out, err);
        case "bench soak" -> ScaleBenchCommand.soak(config, out, err);
        case "bench scale-out" -> ScaleOutCommand.run(config, out, err);
        case "bench serve" -> BenchCommand.serve(config, out);
        case "cluster up" -> ClusterCommand.up(config, out);
        case "cluster down" -> ClusterCommand.down(config, out);
        case "cluster submit" -> ClusterCommand.submit(config, out);
        default -> throw new IllegalStateException("no runner for " + cmd.name());
      };
    } catch (F2cConfig.UsageException e) {
      err.println("f2c " + cmd.name() + ": " + e.getMessage());
      err.print(cmd.usage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("f2c " + cmd.name() + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("f2c " + cmd.name() + ": failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  static String usage() {
    StringBuilder text =
        new StringBuilder(
            "usage: f2c COMMAND [options]   (f2c COMMAND --help for its options)\n\n"
                + "Streaming face-recognition training with Flink, Kafka and DJL (F2C).\n\ncommands:\n");
    for (Command c : Commands.ALL) {
      text.append(
          String.format("  %-15s %s%n", c.name(), c.summary().lines().findFirst().orElse("")));
    }
    return text.toString();
  }
}
