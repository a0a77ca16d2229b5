package io.f2c.training;

import ai.djl.ndarray.NDArray;

/**
 * A step's loss (on the gradient tape) and how many probes had their identity among the classes
 * (pool hits).
 */
public record HeadLoss(NDArray total, int probes, int hits) {}
