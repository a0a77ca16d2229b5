package io.f2c.preprocess;

import io.f2c.schema.RejectReason;

/** The header of a binary PGM (P5) file; ORL files carry a '#' comment line in it. */
record PgmHeader(int width, int height, int maxValue, int dataOffset) {

  static PgmHeader parse(byte[] bytes) throws ImageRejectedException {
    if (bytes.length < 2 || bytes[0] != 'P') {
      throw new ImageRejectedException(RejectReason.CORRUPT_IMAGE, "not a PGM file (no 'P' magic)");
    }
    if (bytes[1] != '5') {
      throw new ImageRejectedException(
          RejectReason.UNSUPPORTED_FORMAT,
          "only binary PGM (P5) is supported, this is P" + (char) bytes[1]);
    }
    int[] pos = {2};
    long width = nextNumber(bytes, pos, "width");
    long height = nextNumber(bytes, pos, "height");
    long maxValue = nextNumber(bytes, pos, "maxval");
    if (maxValue < 1 || maxValue > 65535) {
      throw new ImageRejectedException(
          RejectReason.CORRUPT_IMAGE, "PGM maxval must be 1..65535, was " + maxValue);
    }
    if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw new ImageRejectedException(
          RejectReason.IMAGE_TOO_LARGE, "PGM header declares " + width + "x" + height + " pixels");
    }
    // Exactly one whitespace byte separates maxval from the pixel data.
    return new PgmHeader((int) width, (int) height, (int) maxValue, pos[0] + 1);
  }

  private static long nextNumber(byte[] bytes, int[] pos, String what)
      throws ImageRejectedException {
    int i = pos[0];
    while (i < bytes.length) {
      if (bytes[i] == '#') {
        while (i < bytes.length && bytes[i] != '\n' && bytes[i] != '\r') {
          i++;
        }
      } else if (Character.isWhitespace(bytes[i])) {
        i++;
      } else {
        break;
      }
    }
    long value = 0;
    int start = i;
    while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
      value = value * 10 + (bytes[i] - '0');
      if (value > Integer.MAX_VALUE * 4L) {
        throw new ImageRejectedException(
            RejectReason.IMAGE_TOO_LARGE, "PGM " + what + " is absurdly large");
      }
      i++;
    }
    if (i == start) {
      throw new ImageRejectedException(RejectReason.CORRUPT_IMAGE, "PGM header: missing " + what);
    }
    pos[0] = i;
    return value;
  }
}
