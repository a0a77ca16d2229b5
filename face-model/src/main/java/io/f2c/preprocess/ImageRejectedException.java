package io.f2c.preprocess;

import io.f2c.schema.RejectReason;

/** An input that cannot be used, with the reason code that goes into the dead-letter record. */
public final class ImageRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  public ImageRejectedException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageRejectedException(RejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
