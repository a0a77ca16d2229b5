package io.f2c.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceBox;
import io.f2c.schema.FaceImage;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;
import io.f2c.schema.SchemaReleases;
import io.f2c.testing.TestFaces;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class FaceValidatorTest {
  private final FaceValidator validator =
      new FaceValidator(new ImageDecoder(PreprocessSpec.of(16, 3, 1.0), 1 << 24, 1 << 24));

  /** A 40 x 30 image whose every pixel differs. */
  private static BufferedImage gradient() {
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        image.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | ((x + y) * 3));
      }
    }
    return image;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static byte[] record(byte[] png, FaceBox box) {
    FaceImage face = TestFaces.face("ada", "ada/1", png, ImageFormat.PNG);
    face.setFaceBox(box);
    return TestFaces.encoded(face);
  }

  @Test
  void aFaceBoxIsCroppedBeforeThePreprocessing() throws Exception {
    BufferedImage whole = gradient();
    byte[] boxed = validator.validate(record(png(whole), new FaceBox(5, 4, 20, 16))).pixels;
    byte[] cropped = validator.validate(record(png(whole.getSubimage(5, 4, 20, 16)), null)).pixels;
    assertArrayEquals(cropped, boxed, "the box gives what an image of just the box gives");
    byte[] unboxed = validator.validate(record(png(whole), null)).pixels;
    assertFalse(Arrays.equals(unboxed, boxed), "and differs from the whole image");
  }

  @Test
  void aFaceBoxOutsideTheImageIsRefusedWithTheReason() throws Exception {
    byte[] bytes = record(png(gradient()), new FaceBox(30, 0, 20, 10));
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> validator.validate(bytes));
    assertEquals(RejectReason.MALFORMED_RECORD, e.reason());
    assertTrue(e.getMessage().contains("faceBox at 30,0 of 20x10"), e.getMessage());
    byte[] empty = record(png(gradient()), new FaceBox(0, 0, 0, 10));
    assertThrows(ImageRejectedException.class, () -> validator.validate(empty));
  }

  @Test
  void aRecordOfAnOlderProducerWithoutFaceBoxesIsStillTrainedOn() throws Exception {
    Schema v1 = new Schema.Parser().parse(SchemaReleases.text("FaceImage", 1));
    GenericRecord old = new GenericData.Record(v1);
    byte[] png = png(gradient());
    old.put("identityId", "ada");
    old.put("imageId", "ada/old");
    old.put("image", ByteBuffer.wrap(png));
    old.put("format", new GenericData.EnumSymbol(v1.getField("format").schema(), "PNG"));
    old.put("eventTime", 1000L);
    old.put("source", "producer of release 1");
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    assertFalse(
        Arrays.equals(
            AvroCodec.faceImage().encode(TestFaces.face("ada", "ada/old", png, ImageFormat.PNG)),
            bytes),
        "written with the v1 schema, not the current one");

    DecodedFace face = validator.validate(bytes);
    assertEquals("ada", face.identityId);
    assertEquals("ada/old", face.imageId);
    assertArrayEquals(validator.validate(record(png, null)).pixels, face.pixels);
  }
}
