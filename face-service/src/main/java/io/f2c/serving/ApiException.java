package io.f2c.serving;

import io.f2c.recognition.RecognitionException;
import io.f2c.schema.RejectReason;
import java.util.function.IntFunction;

/**
 * A request the service answers with an error: the status, and the JSON body {@code {error, reason,
 * field}} ({@code reason} a stable code: a {@link RejectReason} for images, else NO_MODEL,
 * UNKNOWN_IDENTITY, GALLERY_FULL, BAD_REQUEST, BODY_TOO_LARGE, NOT_FOUND, METHOD_NOT_ALLOWED,
 * INTERNAL).
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;
  private final String field;

  ApiException(int status, String reason, String message, String field) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.field = field;
  }

  static ApiException badRequest(String message, String field) {
    return new ApiException(400, "BAD_REQUEST", message, field);
  }

  /**
   * The answer to a recognizer's refusal; {@code fieldOfImage} names the request field of the
   * call's image number i.
   */
  static ApiException of(RecognitionException e, IntFunction<String> fieldOfImage) {
    return switch (e.kind()) {
      case NO_MODEL -> new ApiException(503, "NO_MODEL", e.getMessage(), null);
      case UNKNOWN_IDENTITY -> new ApiException(404, "UNKNOWN_IDENTITY", e.getMessage(), null);
      case GALLERY_FULL -> new ApiException(409, "GALLERY_FULL", e.getMessage(), null);
      case INVALID_ARGUMENT -> badRequest(e.getMessage(), null);
      case BAD_IMAGE -> image(e.rejectReason(), e.getMessage(), fieldOfImage.apply(e.imageIndex()));
    };
  }

  /** An image the decoder refused: 413 when it is too large, else 422. */
  static ApiException image(RejectReason reason, String message, String field) {
    int status = reason == RejectReason.IMAGE_TOO_LARGE ? 413 : 422;
    return new ApiException(status, reason.name(), message, field);
  }

  int status() {
    return status;
  }

  /** The JSON body. */
  Responses.Error body() {
    return new Responses.Error(getMessage(), reason, field);
  }
}
