package io.f2c.recognition;

/** An identity after an enrolment: how many images it now has, embedded by {@code model}. */
public record EnrollAnswer(String identity, int images, ModelRef model) {}
