package io.f2c.job.ingest;

import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.FaceBox;
import io.f2c.schema.FaceImage;
import io.f2c.schema.RejectReason;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * Turns the raw bytes of one Kafka record into a {@link DecodedFace}, or says precisely why it
 * cannot: not a FaceImage record, a missing field, an unreadable or oversized image, a face box
 * outside the image. A record with a face box (FaceImage v2) is cropped to it first. No Flink here;
 * {@link DecodeAndValidate} wraps it.
 */
public final class FaceValidator implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MAX_ID_LENGTH = 512;

  private final AvroCodec<FaceImage> codec = AvroCodec.faceImage();
  private final ImageDecoder decoder;

  public FaceValidator(ImageDecoder decoder) {
    this.decoder = decoder;
  }

  public DecodedFace validate(byte[] value) throws ImageRejectedException {
    FaceImage image;
    try {
      image = codec.decode(value);
    } catch (AvroCodec.MalformedRecordException e) {
      throw new ImageRejectedException(RejectReason.MALFORMED_RECORD, e.getMessage(), e);
    }
    String identity = requireId(image.getIdentityId(), "identityId");
    String imageId = requireId(image.getImageId(), "imageId");
    ByteBuffer buffer = image.getImage();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    ImageDecoder.Pixels decoded = decoder.readPixels(bytes, image.getFormat());
    FaceBox box = image.getFaceBox();
    if (box != null) {
      decoded = decoded.crop(box.getX(), box.getY(), box.getWidth(), box.getHeight());
    }
    byte[] pixels = decoder.toBytes(decoded);
    long eventTime = image.getEventTime() == null ? 0L : image.getEventTime().toEpochMilli();
    return new DecodedFace(identity, imageId, eventTime, pixels);
  }

  private static String requireId(String id, String field) throws ImageRejectedException {
    if (id == null || id.isBlank()) {
      throw new ImageRejectedException(RejectReason.MISSING_FIELD, field + " is empty");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new ImageRejectedException(
          RejectReason.MISSING_FIELD,
          field + " is " + id.length() + " characters long, over the limit of " + MAX_ID_LENGTH);
    }
    return id;
  }
}
