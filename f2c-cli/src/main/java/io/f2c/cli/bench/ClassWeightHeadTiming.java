package io.f2c.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.training.FcHead;
import io.f2c.training.PartialFcHead;
import io.f2c.training.SgdOptimizer;
import io.f2c.training.TrainerConfig;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * Times the heads that keep a weight row for each of the N classes, FC and Partial FC, with one
 * step loop: steps / 5 timed steps (at least 2: their steps grow with N, the DCP's do not), after
 * one warm-up step.
 */
final class ClassWeightHeadTiming {
  private static final float LEARNING_RATE = 0.1f;

  private final TrainerConfig settings;
  private final int steps;
  private final HeadInputs inputs;

  ClassWeightHeadTiming(TrainerConfig settings, int steps, HeadInputs inputs) {
    this.settings = settings;
    this.steps = steps;
    this.inputs = inputs;
  }

  /** One training step of a head on the x and y probes and their labels. */
  @FunctionalInterface
  private interface HeadStep<L> {
    void run(NDArray probeX, NDArray probeY, L xLabels, L yLabels);
  }

  /** Median milliseconds of an FC head step: forward, backward, SGD update of the N x D weights. */
  double timeFc(long ids, long seed) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        FcHead head = new FcHead(config(ids), manager)) {
      SgdOptimizer optimizer =
          new SgdOptimizer(settings.sgdMomentum(), settings.weightDecay(), settings.nesterov());
      optimizer.register(head.trainableArrays());
      return medianStepMillis(
          ids,
          seed,
          manager,
          HeadInputs::names,
          (probeX, probeY, xLabels, yLabels) -> {
            optimizer.zeroGradients();
            try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
              tape.backward(head.loss(probeX, probeY, xLabels, yLabels).total());
            }
            optimizer.step(LEARNING_RATE);
          });
    }
  }

  /**
   * Median milliseconds of a Partial FC head step: sampling, forward, backward, SGD update of the
   * sampled rows.
   */
  double timePartialFc(long ids, double rate, long seed) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        PartialFcHead head = new PartialFcHead(config(ids), rate, manager)) {
      return medianStepMillis(
          ids,
          seed,
          manager,
          Function.identity(),
          (probeX, probeY, xLabels, yLabels) -> {
            PartialFcHead.Sample sample =
                head.sample(
                    LongStream.concat(LongStream.of(xLabels), LongStream.of(yLabels)).toArray());
            try (GradientCollector tape = Engine.getEngine("PyTorch").newGradientCollector()) {
              tape.backward(head.loss(probeX.concat(probeY), sample));
            }
            head.update(sample, LEARNING_RATE);
          });
    }
  }

  /** The job's loss and optimizer settings with N classes (backbone and input are unused). */
  private TrainerConfig config(long ids) {
    return settings.toBuilder()
        .network(Backbone.SMALL_CNN, settings.embeddingDim(), PreprocessSpec.of(16, 3, 1.0))
        .head(TrainerConfig.Head.FC, 1, Math.toIntExact(ids))
        .build();
  }

  /**
   * The shared step loop; {@code labelsOf} turns the identities into the head's labels before the
   * clock starts.
   */
  private <L> double medianStepMillis(
      long ids, long seed, NDManager manager, Function<long[], L> labelsOf, HeadStep<L> step) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] times = new double[Math.max(2, steps / 5)];
    for (int s = 0; s <= times.length; s++) {
      try (NDScope scope = new NDScope()) {
        long[][] labels = inputs.labels(random, ids);
        L xLabels = labelsOf.apply(labels[0]);
        L yLabels = labelsOf.apply(labels[1]);
        NDArray probeX = inputs.unitEmbeddings(manager, false);
        NDArray probeY = inputs.unitEmbeddings(manager, false);
        long start = System.nanoTime();
        step.run(probeX, probeY, xLabels, yLabels);
        if (s > 0) {
          times[s - 1] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    return HeadBenchmark.median(times);
  }
}
