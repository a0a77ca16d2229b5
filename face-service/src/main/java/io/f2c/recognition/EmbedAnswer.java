package io.f2c.recognition;

/** An image's embedding (unit length) and the version that computed it. */
public record EmbedAnswer(ModelRef model, float[] embedding) {}
