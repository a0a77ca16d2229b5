package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/** The PyTorch engine loads offline from the Maven native jar, and a training step runs on CPU. */
class DjlSmokeTest {

  @Test
  void pytorchEngineLoadsOfflineAndTrainsOneStepOnCpu() {
    assertEquals(
        "true", System.getProperty("ai.djl.offline"), "tests must run with -Dai.djl.offline=true");
    Engine engine = Engine.getEngine("PyTorch");
    assertEquals("PyTorch", engine.getEngineName());
    System.out.println("DJL engine " + engine.getEngineName() + " " + engine.getVersion());

    SequentialBlock net =
        new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
            .add(Activation::relu)
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(3).build());
    try (Model model = Model.newInstance("smoke", Device.cpu(), "PyTorch")) {
      model.setBlock(net);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(6, 1, 8, 8));
        NDManager root = trainer.getManager();
        float before = 0;
        float after = 0;
        for (int step = 0; step < 5; step++) {
          // One NDManager per step, closed at its end: nothing native outlives the step.
          try (NDManager stepManager = root.newSubManager()) {
            // The same small batch every step: the loss on it must go down.
            NDArray x =
                stepManager
                    .arange(6 * 64)
                    .reshape(6, 1, 8, 8)
                    .toType(DataType.FLOAT32, false)
                    .div(384f);
            NDArray y = stepManager.create(new float[] {0, 1, 2, 0, 1, 2});
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
              NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
              collector.backward(loss);
              float value = loss.getFloat();
              if (step == 0) {
                before = value;
              }
              after = value;
            }
            trainer.step();
          }
        }
        System.out.printf("smoke loss %.4f -> %.4f%n", before, after);
        assertTrue(Float.isFinite(after) && after < before, "loss " + before + " -> " + after);
      }
    }
  }
}
