package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.job.kafka.TopicReader;
import io.f2c.kafka.embedded.EmbeddedKafkaBroker;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c produce} streams a one-folder-per-identity tree into a real broker as FaceImage
 * records.
 */
class ProduceCommandIT {

  @Test
  void sendsEveryImageOfTheFolderOnceAndIgnoresOtherFiles(@TempDir Path dir) throws Exception {
    SyntheticFaces faces = new SyntheticFaces(3, 48);
    for (int id = 0; id < 3; id++) {
      Path person = Files.createDirectories(dir.resolve("person" + id));
      Files.write(person.resolve("a.png"), faces.encoded(id, 0, ImageFormat.PNG));
      Files.write(person.resolve("b.jpg"), faces.encoded(id, 1, ImageFormat.JPEG));
      Files.writeString(person.resolve("notes.txt"), "not an image");
    }
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      int rc =
          F2cCli.run(
              new String[] {
                "produce",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--images",
                dir.toString(),
                "--images-topic",
                "faces-in"
              },
              print,
              print);
      assertEquals(0, rc, out.toString(StandardCharsets.UTF_8));
      assertTrue(
          out.toString(StandardCharsets.UTF_8).startsWith("sent 6 images to faces-in"),
          out.toString());
      try (TopicReader<FaceImage> reader =
          new TopicReader<>(kafka.bootstrapServers(), "faces-in", AvroCodec.faceImage())) {
        List<FaceImage> images = reader.pollAtLeast(6, Duration.ofSeconds(30));
        assertEquals(6, images.size());
        assertEquals(
            Set.of("person0", "person1", "person2"),
            images.stream().map(FaceImage::getIdentityId).collect(Collectors.toSet()));
        assertEquals(3, images.stream().filter(i -> i.getFormat() == ImageFormat.JPEG).count());
        FaceImage first =
            images.stream()
                .filter(i -> i.getImageId().equals("person1/a.png"))
                .findFirst()
                .orElseThrow();
        assertEquals(
            byteBufferOf(Files.readAllBytes(dir.resolve("person1").resolve("a.png"))),
            first.getImage());
      }
    }
  }

  private static ByteBuffer byteBufferOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes);
  }
}
