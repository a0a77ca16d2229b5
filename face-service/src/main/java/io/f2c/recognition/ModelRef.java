package io.f2c.recognition;

/** Which model version computed an answer. */
public record ModelRef(String model, long version) {
  @Override
  public String toString() {
    return model + " v" + version;
  }
}
