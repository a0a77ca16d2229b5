package io.f2c.cli;

import io.f2c.cli.config.ToolOptions;
import io.f2c.cli.produce.FaceImageProducer;
import io.f2c.cli.produce.FaceSource;
import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.kafka.Topics;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.synthetic.SyntheticFaces;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code f2c produce}: one pass over a folder (or synthetic identities) into the images topic. */
final class ProduceCommand {
  private ProduceCommand() {}

  static int run(F2cConfig config, PrintStream out, PrintStream err) throws InterruptedException {
    FaceSource source = faceSource(config, false);
    KafkaClientConfig kafka = F2cJob.kafka(config);
    String topic = config.get(F2cOptions.IMAGES_TOPIC);
    Topics.ensure(kafka, List.of(F2cJob.imagesTopic(config)));
    long start = System.nanoTime();
    long sent;
    long failed;
    List<FaceImageProducer.Failure> failures;
    try (FaceImageProducer producer =
        new FaceImageProducer(kafka, topic, config.get(F2cOptions.MAX_IMAGE_BYTES))) {
      producer.run(source, config.get(F2cOptions.RATE), 0);
      sent = producer.sent();
      failed = producer.failed();
      failures = producer.failures();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    failures.forEach(f -> err.println("not sent: " + f));
    out.printf(
        "sent %d images to %s on %s in %.1f s (%.0f images/s)%s%n",
        sent,
        topic,
        kafka.bootstrapServers(),
        seconds,
        sent / Math.max(seconds, 1e-9),
        failed == 0 ? "" : "; " + failed + " not sent (listed above)");
    return failed == 0 ? 0 : 1;
  }

  /** The folder named by --images, or synthetic identities. */
  static FaceSource faceSource(F2cConfig config, boolean loop) {
    Path dir = config.get(ToolOptions.IMAGES_DIR);
    long seed = config.get(F2cOptions.SEED);
    if (dir != null) {
      return FaceSource.folder(dir, loop, seed);
    }
    SyntheticFaces faces = new SyntheticFaces(seed, config.get(F2cOptions.INPUT_SIZE));
    return FaceSource.synthetic(
        faces,
        config.get(ToolOptions.SYNTHETIC_IDENTITIES),
        config.get(ToolOptions.SYNTHETIC_IMAGES),
        loop,
        seed);
  }
}
