package io.f2c.recognition;

import io.f2c.schema.RejectReason;

/**
 * Why a {@link Recognizer} call could not be answered; {@link #kind()} says what the caller did
 * wrong (or that no model is there yet), so that a server can map it to a status code.
 */
public final class RecognitionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No model version is loaded yet. */
    NO_MODEL,
    /** An image could not be used: {@link #rejectReason()} says why. */
    BAD_IMAGE,
    /** No identity of that name is enrolled. */
    UNKNOWN_IDENTITY,
    /** Enrolling would exceed a bound on the kept images. */
    GALLERY_FULL,
    /** A missing or out-of-range argument (identity name, k, no images). */
    INVALID_ARGUMENT
  }

  private final Kind kind;
  private final RejectReason rejectReason;
  private final int imageIndex;

  private RecognitionException(
      Kind kind, String message, RejectReason rejectReason, int imageIndex, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.rejectReason = rejectReason;
    this.imageIndex = imageIndex;
  }

  public RecognitionException(Kind kind, String message) {
    this(kind, message, null, -1, null);
  }

  /**
   * Image {@code index} of the call (0 for calls with one image) was refused for {@code reason}.
   */
  public static RecognitionException badImage(int index, RejectReason reason, String message) {
    return new RecognitionException(Kind.BAD_IMAGE, message, reason, index, null);
  }

  static RecognitionException badImage(
      int index, RejectReason reason, String message, Throwable e) {
    return new RecognitionException(Kind.BAD_IMAGE, message, reason, index, e);
  }

  public Kind kind() {
    return kind;
  }

  /** For {@link Kind#BAD_IMAGE}: the reason the decoder gave; null otherwise. */
  public RejectReason rejectReason() {
    return rejectReason;
  }

  /** For {@link Kind#BAD_IMAGE}: which of the call's images (0-based); -1 otherwise. */
  public int imageIndex() {
    return imageIndex;
  }
}
