package io.f2c.testing;

import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceImage;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Small helpers to build FaceImage records for tests. */
public final class TestFaces {
  private TestFaces() {}

  public static final SyntheticFaces FACES = new SyntheticFaces(1, 32);

  public static FaceImage face(int identity, int image) {
    return face(FACES, identity, image);
  }

  /** Image {@code image} of synthetic identity {@code identity} from {@code faces}, as PNG. */
  public static FaceImage face(SyntheticFaces faces, int identity, int image) {
    return face(
        SyntheticFaces.identityId(identity),
        SyntheticFaces.imageId(identity, image),
        faces.encoded(identity, image, ImageFormat.PNG),
        ImageFormat.PNG);
  }

  public static FaceImage face(String identity, String imageId, byte[] bytes, ImageFormat format) {
    return FaceImage.newBuilder()
        .setIdentityId(identity)
        .setImageId(imageId)
        .setImage(ByteBuffer.wrap(bytes))
        .setFormat(format)
        .setEventTime(Instant.ofEpochMilli(1000))
        .setSource("test")
        .build();
  }

  /** A PGM file: the header text, then one byte per sample. */
  public static byte[] pgm(String header, int... samples) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    for (int s : samples) {
      out.write(s);
    }
    return out.toByteArray();
  }

  public static byte[] encoded(FaceImage image) {
    return AvroCodec.faceImage().encode(image);
  }
}
