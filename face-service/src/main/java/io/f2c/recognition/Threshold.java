package io.f2c.recognition;

import java.util.Locale;

/**
 * The cosine similarity at or above which two faces count as the same person, and where it came
 * from.
 */
public record Threshold(double value, Source source) {

  /** Where a threshold came from. */
  public enum Source {
    /** Chosen by the publisher for this very version (on identities it never trained on). */
    MODEL,
    /**
     * The recognizer's configured fallback: the version carries none (a model file, or a publisher
     * from before thresholds).
     */
    CONFIGURED
  }

  /**
   * The version's own threshold where it has one (as the decimal it was written as), else the
   * configured fallback.
   */
  public static Threshold of(Float fromModel, double fallback) {
    return fromModel != null && Float.isFinite(fromModel)
        ? new Threshold(Double.parseDouble(Float.toString(fromModel)), Source.MODEL)
        : new Threshold(fallback, Source.CONFIGURED);
  }

  /** "model" or "configured", as answers spell it. */
  public String sourceName() {
    return source.name().toLowerCase(Locale.ROOT);
  }
}
