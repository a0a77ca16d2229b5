package io.f2c.schema;

/**
 * How a topic's schema may change between releases. Topics outlive jobs: a job upgraded in place
 * reads what older producers wrote, and subscribers are upgraded long after the trainer.
 */
public enum CompatibilityRule {
  /** The current reader resolves records of every released version (face-images: the job). */
  READS_EVERY_RELEASE(false, false),
  /**
   * Both ways, for every release: new readers read old records and old readers read new ones
   * (face-models: subscribers). New versions only append fields with defaults to the top-level
   * record, so a reader of an older release reads a newer record as its own schema's prefix.
   */
  FULL_APPEND_ONLY(true, true),
  /**
   * The previous release reads the current version (the dead-letter topic: its tools are upgraded
   * after the job); appends only, as {@link #FULL_APPEND_ONLY}.
   */
  PREVIOUS_READS_APPEND_ONLY(false, true);

  private final boolean oldReadersReadEveryNewer;
  private final boolean appendOnly;

  CompatibilityRule(boolean oldReadersReadEveryNewer, boolean appendOnly) {
    this.oldReadersReadEveryNewer = oldReadersReadEveryNewer;
    this.appendOnly = appendOnly;
  }

  /** Every released reader must read the current writer (not only the previous release). */
  public boolean oldReadersReadEveryNewer() {
    return oldReadersReadEveryNewer;
  }

  /**
   * Versions may only append top-level fields with defaults; a reader then decodes a record of an
   * unknown newer version as its own schema (the appended fields are ignored).
   */
  public boolean appendOnly() {
    return appendOnly;
  }

  /** The rule of each record type of the wire contract. */
  public static CompatibilityRule of(String schemaName) {
    return switch (schemaName) {
      case "FaceImage" -> READS_EVERY_RELEASE;
      case "ModelUpdate" -> FULL_APPEND_ONLY;
      case "RejectedRecord" -> PREVIOUS_READS_APPEND_ONLY;
      default -> throw new IllegalArgumentException("no compatibility rule for " + schemaName);
    };
  }
}
