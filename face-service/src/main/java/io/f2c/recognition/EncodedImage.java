package io.f2c.recognition;

import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;

/**
 * An image file as a client sent it (JPEG, PNG or binary PGM), kept encoded: enrolments keep these
 * so that every new model version can embed them again with its own preprocessing.
 */
public record EncodedImage(byte[] bytes, ImageFormat format) {

  /**
   * The image with its format read from the first bytes (JPEG FF D8 FF, PNG 89 'PNG', PGM "P5").
   *
   * @throws RecognitionException of kind {@link RecognitionException.Kind#BAD_IMAGE} (reason
   *     UNSUPPORTED_FORMAT, or MISSING_FIELD when empty)
   */
  public static EncodedImage sniff(byte[] bytes, int index) {
    ImageFormat format = formatOf(bytes);
    if (bytes == null || bytes.length == 0) {
      throw RecognitionException.badImage(
          index, RejectReason.MISSING_FIELD, "image bytes are empty");
    }
    if (format == null) {
      throw RecognitionException.badImage(
          index, RejectReason.UNSUPPORTED_FORMAT, "not a JPEG, PNG or binary PGM (P5) image");
    }
    return new EncodedImage(bytes, format);
  }

  /** The format the bytes start like, or null. */
  public static ImageFormat formatOf(byte[] b) {
    if (b == null) {
      return null;
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return ImageFormat.JPEG;
    }
    if (b.length >= 4 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return ImageFormat.PNG;
    }
    if (b.length >= 2 && b[0] == 'P' && b[1] == '5') {
      return ImageFormat.PGM;
    }
    return null;
  }
}
