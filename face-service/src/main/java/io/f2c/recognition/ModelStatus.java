package io.f2c.recognition;

import io.f2c.preprocess.PreprocessSpec;
import java.time.Instant;

/**
 * The version a recognizer answers with, what it expects of images, and its gallery.
 *
 * @param release the version as published (its blob included)
 * @param installedAt when it became the one answering
 * @param reembedMillis how long embedding the gallery again took before the swap
 */
public record ModelStatus(
    ModelRef model,
    ModelRelease release,
    String architecture,
    int embeddingDim,
    PreprocessSpec input,
    boolean testTimeFlip,
    Threshold threshold,
    Instant installedAt,
    long reembedMillis,
    int identities,
    int enrolledImages,
    long enrolledBytes) {}
