package io.f2c.cli;

import io.f2c.cli.config.ToolOptions;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.recognition.ModelStatus;
import io.f2c.recognition.Recognizer;
import io.f2c.recognition.RecognizerSettings;
import io.f2c.serving.FaceServer;
import io.f2c.serving.ServerSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code f2c serve}: the face-recognition HTTP service ({@link FaceServer}) over the newest version
 * on the models topic, or over one model file. Prints the bound URL on one line, then serves until
 * Ctrl-C or --seconds.
 */
final class ServeCommand {
  private ServeCommand() {}

  static int run(F2cConfig config, PrintStream out) throws IOException, InterruptedException {
    String modelFile = config.get(ToolOptions.MODEL_FILE);
    String bootstrap = config.get(F2cOptions.BOOTSTRAP_SERVERS);
    if (modelFile.isEmpty() == bootstrap.isEmpty()) {
      throw new F2cConfig.UsageException(
          "serve what? give --model FILE or --bootstrap-servers H:P (the models topic), not both");
    }
    if (modelFile.contains(",")) {
      throw new F2cConfig.UsageException("serve takes one --model FILE, not a list");
    }
    RecognizerSettings settings = settings(config);
    CountDownLatch stop = new CountDownLatch(1);
    ShutdownSignals.onInterrupt(stop::countDown);
    String topic = config.get(F2cOptions.MODELS_TOPIC);
    try (Recognizer recognizer =
            modelFile.isEmpty()
                ? Recognizer.followingTopic(
                    F2cJob.kafka(config), topic, config.get(F2cOptions.MODEL_NAME), settings)
                : Recognizer.ofModelFile(Path.of(modelFile.trim()), settings);
        FaceServer server = start(recognizer, config)) {
      String serving =
          recognizer
              .status()
              .map(ModelStatus::release)
              .map(r -> r.modelName() + " v" + r.version() + " from " + modelFile.trim())
              .orElse(
                  "following "
                      + topic
                      + " on "
                      + bootstrap
                      + ", model "
                      + config.get(F2cOptions.MODEL_NAME)
                      + "; /health answers 503 until a version arrives");
      out.println("serving on " + server.url() + " (" + serving + "); Ctrl-C stops");
      long seconds = config.get(ToolOptions.SECONDS);
      if (seconds > 0) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
    }
    out.println("stopped");
    return 0;
  }

  static RecognizerSettings settings(F2cConfig config) {
    return new RecognizerSettings(
        config.get(ToolOptions.THRESHOLD),
        config.get(F2cOptions.MAX_IMAGE_PIXELS),
        config.get(F2cOptions.MAX_IMAGE_BYTES),
        config.get(ToolOptions.MAX_IMAGES_PER_IDENTITY),
        config.get(ToolOptions.MAX_ENROLLED_IMAGES),
        config.get(ToolOptions.MAX_ENROLLED_BYTES));
  }

  /** Starts the server; a port in use is a one-line error. */
  private static FaceServer start(Recognizer recognizer, F2cConfig config) {
    ServerSettings settings =
        new ServerSettings(
            config.get(ToolOptions.HOST),
            config.get(ToolOptions.PORT),
            config.get(ToolOptions.MAX_REQUEST_BYTES));
    try {
      return FaceServer.start(recognizer, settings);
    } catch (RuntimeException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof BindException) {
          throw new IllegalArgumentException(
              "cannot listen on "
                  + settings.host()
                  + ":"
                  + settings.port()
                  + ": "
                  + c.getMessage());
        }
      }
      throw e;
    }
  }
}
