package io.f2c.recognition;

/**
 * How a {@link Recognizer} treats images and enrolments.
 *
 * @param fallbackThreshold cosine threshold for versions that carry none (model files, versions of
 *     publishers from before thresholds)
 * @param maxImagePixels refuse images whose header declares more pixels (before decoding them)
 * @param maxImageBytes refuse encoded images larger than this
 * @param maxImagesPerIdentity enrolled images kept per identity
 * @param maxEnrolledImages enrolled images kept in all
 * @param maxEnrolledBytes encoded bytes of the enrolled images kept in all
 */
public record RecognizerSettings(
    double fallbackThreshold,
    long maxImagePixels,
    int maxImageBytes,
    int maxImagesPerIdentity,
    int maxEnrolledImages,
    long maxEnrolledBytes) {

  /** The job's image limits (max-image-pixels, max-image-bytes) and the service's defaults. */
  public static final RecognizerSettings DEFAULTS =
      new RecognizerSettings(0.5, 4096L * 4096L, 8 << 20, 20, 10_000, 256L << 20);

  public RecognizerSettings {
    if (!(fallbackThreshold >= -1 && fallbackThreshold <= 1)) {
      throw new IllegalArgumentException(
          "a cosine threshold lies in [-1, 1], was " + fallbackThreshold);
    }
    if (maxImagePixels <= 0
        || maxImageBytes <= 0
        || maxImagesPerIdentity <= 0
        || maxEnrolledImages <= 0
        || maxEnrolledBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive: " + this);
    }
  }

  public RecognizerSettings withFallbackThreshold(double threshold) {
    return new RecognizerSettings(
        threshold,
        maxImagePixels,
        maxImageBytes,
        maxImagesPerIdentity,
        maxEnrolledImages,
        maxEnrolledBytes);
  }

  public RecognizerSettings withImageLimits(long pixels, int bytes) {
    return new RecognizerSettings(
        fallbackThreshold,
        pixels,
        bytes,
        maxImagesPerIdentity,
        maxEnrolledImages,
        maxEnrolledBytes);
  }

  public RecognizerSettings withEnrolmentLimits(int perIdentity, int images, long bytes) {
    return new RecognizerSettings(
        fallbackThreshold, maxImagePixels, maxImageBytes, perIdentity, images, bytes);
  }
}
