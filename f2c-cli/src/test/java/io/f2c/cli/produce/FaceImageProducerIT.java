package io.f2c.cli.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.job.config.F2cOptions;
import io.f2c.job.ingest.FaceValidator;
import io.f2c.job.kafka.TopicReader;
import io.f2c.job.kafka.Topics;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import io.f2c.schema.ImageFormat;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.TestFaces;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Every send is checked: what cannot be sent is reported with its image and reason, and counted.
 */
class FaceImageProducerIT {
  private static final int JOB_LIMIT = F2cOptions.MAX_IMAGE_BYTES.defaultValue();

  /** A PNG of noise (it does not compress) of about {@code side * side * 3} bytes. */
  private static byte[] noisePng(int side) throws Exception {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(side);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  @Test
  void anImageTheJobAcceptsIsSentAndOneItWouldRejectIsRefusedWithItsName() throws Exception {
    String topic = "images-" + UUID.randomUUID();
    String bootstrap = SharedKafka.bootstrapServers();
    Topics.ensure(bootstrap, List.of(Topics.images(topic, 1, JOB_LIMIT)));
    byte[] big = noisePng(1000);
    assertTrue(big.length > 2_500_000 && big.length < JOB_LIMIT, "a ~3 MB image: " + big.length);
    try (FaceImageProducer producer = new FaceImageProducer(bootstrap, topic, JOB_LIMIT)) {
      producer.send(TestFaces.face("ada", "ada/big.png", big, ImageFormat.PNG));
      producer.send(
          TestFaces.face("bob", "bob/huge.png", new byte[JOB_LIMIT + 1], ImageFormat.PNG));
      producer.flush();
      assertEquals(1, producer.sent());
      assertEquals(1, producer.failed());
      FaceImageProducer.Failure failure = producer.failures().get(0);
      assertEquals("bob/huge.png", failure.imageId());
      assertTrue(failure.reason().contains("--max-image-bytes"), failure.reason());
    }
    // What was sent arrives and the job's validator accepts it (the limits agree).
    List<byte[]> values = new ArrayList<>();
    try (TopicReader<FaceImage> reader =
        new TopicReader<>(bootstrap, topic, AvroCodec.faceImage())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        reader
            .poll(Duration.ofMillis(500))
            .forEach(f -> values.add(AvroCodec.faceImage().encode(f)));
      }
    }
    assertEquals(1, values.size());
    FaceValidator validator =
        new FaceValidator(
            new ImageDecoder(PreprocessSpec.of(32, 3, 1.0), 4096L * 4096L, JOB_LIMIT));
    assertEquals("ada/big.png", validator.validate(values.get(0)).imageId);
  }

  @Test
  void aTopicWithKafkasDefaultLimitRefusesTheBigImageAndTheProducerSaysSo() throws Exception {
    String topic = "images-small-" + UUID.randomUUID();
    String bootstrap = SharedKafka.bootstrapServers();
    Topics.ensure(
        bootstrap, List.of(new Topics.Spec(topic, 1))); // 1 MiB messages, as Kafka's default
    try (FaceImageProducer producer = new FaceImageProducer(bootstrap, topic, JOB_LIMIT)) {
      producer.send(TestFaces.face("ada", "ada/big.png", noisePng(1000), ImageFormat.PNG));
      producer.send(TestFaces.face(1, 0));
      producer.flush();
      assertEquals(1, producer.sent(), "the small image still goes through");
      assertEquals(1, producer.failed(), "the big one is counted, not lost silently");
      FaceImageProducer.Failure failure = producer.failures().get(0);
      assertEquals("ada/big.png", failure.imageId());
      assertTrue(failure.reason().contains("RecordTooLarge"), failure.reason());
    }
  }
}
