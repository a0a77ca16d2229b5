package io.f2c.recognition;

/**
 * Whether two faces (or a face and an enrolled identity) are the same person: {@code same} is
 * {@code score >= threshold.value()}; score and threshold come from the version {@code model}.
 */
public record VerifyAnswer(ModelRef model, double score, Threshold threshold, boolean same) {}
