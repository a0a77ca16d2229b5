package io.f2c.cli;

import io.f2c.cli.config.ToolOptions;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.subscribing.ModelFiles;
import io.f2c.subscribing.ModelSubscriber;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code f2c subscribe}: follows the models topic with a {@link ModelSubscriber} (from the latest
 * complete version on), prints each version as it arrives and optionally saves it for {@code f2c
 * eval --model}.
 */
final class SubscribeCommand {
  private SubscribeCommand() {}

  static int run(F2cConfig config, PrintStream out) throws InterruptedException {
    Path saveDir = config.get(ToolOptions.SAVE_DIR);
    CountDownLatch stop = new CountDownLatch(1);
    ShutdownSignals.onInterrupt(stop::countDown);
    String topic = config.get(F2cOptions.MODELS_TOPIC);
    out.println(
        "following "
            + topic
            + " on "
            + config.get(F2cOptions.BOOTSTRAP_SERVERS)
            + " (model "
            + config.get(F2cOptions.MODEL_NAME)
            + "); Ctrl-C stops");
    try (ModelSubscriber subscriber =
        ModelSubscriber.start(
            F2cJob.kafka(config),
            topic,
            config.get(F2cOptions.MODEL_NAME),
            version -> print(version, saveDir, out))) {
      long seconds = config.get(ToolOptions.SECONDS);
      if (seconds > 0) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
      out.println(
          "stopped; " + subscriber.skippedVersions() + " corrupt or unloadable versions skipped");
    }
    return 0;
  }

  static void print(ModelSubscriber.ModelVersion v, Path saveDir, PrintStream out) {
    String saved = "";
    if (saveDir != null) {
      try {
        saved = " -> " + ModelFiles.save(saveDir, v);
      } catch (IOException e) {
        saved = " (not saved: " + e.getMessage() + ")";
      }
    }
    out.printf(
        Locale.ROOT,
        "%s v%d: step %d, loss %.3f, %.1f KiB, lag %d ms, %s %dx%d%s%n",
        v.modelName(),
        v.version(),
        v.trainingStep(),
        v.metrics().getLoss(),
        v.sizeBytes() / 1024.0,
        v.lagMs(),
        v.architecture(),
        v.input().size(),
        v.input().size(),
        saved);
  }
}
