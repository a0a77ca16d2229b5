package io.f2c.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class BackboneTest {

  @Test
  void namesRoundTripAndUnknownNamesAreRefusedWithTheChoices() {
    for (Backbone backbone : Backbone.values()) {
      assertEquals(backbone, Backbone.of(backbone.id()));
    }
    assertEquals(Backbone.SMALL_CNN, Backbone.of(" Small-CNN "));
    var e = assertThrows(IllegalArgumentException.class, () -> Backbone.of("resnet-9000"));
    assertTrue(e.getMessage().contains("mobilefacenet, small-cnn, medium-cnn"), e.getMessage());
  }

  @Test
  void mobileFaceNetRefusesAnInputSizeNotDivisibleBy16() {
    assertThrows(IllegalArgumentException.class, () -> Backbone.MOBILEFACENET.create(8, 100));
  }

  @Test
  void theCnnsEmbedAnyInputSizeIntoUnitRowsAndMediumCnnHasTheWiderDeeperStages() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (int size : new int[] {64, 50}) {
        long small = parameters(manager, Backbone.SMALL_CNN, size);
        long medium = parameters(manager, Backbone.MEDIUM_CNN, size);
        // small-cnn's convolutions: 3*32*9 + 32*64*9 + 64*128*9 + 128*128*9; medium-cnn's last
        // stage is 256 wide with one more 128- and one more 256-wide 3x3 convolution. The rest
        // (global depthwise kernel, the linear layer to D = 8, BatchNorm, PReLU) is under 50k at
        // these sizes, so a missing or an extra 3x3 layer at the 128- or 256-wide stages falls
        // outside either range.
        long smallConv = 9L * (3 * 32 + 32 * 64 + 64 * 128 + 128 * 128);
        long mediumConv = 9L * (3 * 32 + 32 * 64 + 64 * 128 + 128 * 128 + 128 * 256 + 256 * 256);
        assertTrue(small > smallConv && small < smallConv + 50_000, size + " px: " + small);
        assertTrue(medium > mediumConv && medium < mediumConv + 50_000, size + " px: " + medium);
      }
    }
  }

  /** Runs one forward pass of [2, 3, S, S] and returns the number of parameters. */
  private static long parameters(NDManager manager, Backbone backbone, int size) {
    Block net = backbone.create(8, size);
    Shape input = new Shape(2, 3, size, size);
    net.initialize(manager, DataType.FLOAT32, input);
    NDArray embeddings =
        net.forward(
                new ParameterStore(manager, false), new NDList(manager.randomNormal(input)), true)
            .singletonOrThrow();
    assertEquals(new Shape(2, 8), embeddings.getShape(), backbone + " at " + size + " px");
    float[] norms = embeddings.norm(new int[] {1}).toFloatArray();
    for (float norm : norms) {
      assertEquals(1f, norm, 1e-4f, backbone + " at " + size + " px");
    }
    return net.getParameters().stream()
        .mapToLong(p -> p.getValue().getArray().getShape().size())
        .sum();
  }
}
