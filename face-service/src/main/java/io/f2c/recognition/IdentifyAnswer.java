package io.f2c.recognition;

import java.util.List;

/**
 * The enrolled identities most like a face, best first, all scored by the version {@code model};
 * {@code recognized}: the best one reaches the threshold.
 */
public record IdentifyAnswer(
    ModelRef model, List<Match> matches, Threshold threshold, boolean recognized) {

  /** An enrolled identity and the cosine of the face with its template. */
  public record Match(String identity, double score) {}
}
