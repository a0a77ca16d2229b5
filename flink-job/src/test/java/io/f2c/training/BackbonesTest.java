package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.DualBatchSampler;
import io.f2c.model.backbone.Backbones;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.FaceSets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BackbonesTest {

  @Test
  void mobileFaceNetTrainsAStepAt112PixelsAndEmbedsOnTheUnitSphere() {
    PreprocessSpec spec = PreprocessSpec.of(112, 3, 1.0);
    TrainerConfig config = TrainerConfig.defaults()
        .withBackbone(Backbones.MOBILEFACENET, 128, spec)
        .withHead(TrainerConfig.Head.DCP, 8, 10)
        .withRuntime(1, "cpu", 2);
    DualBatchSampler sampler = new DualBatchSampler(FaceSets.synthetic(2, 0, 4, 2, spec), 3);
    try (F2cTrainer trainer = new F2cTrainer(config)) {
      float[] before = trainer.probeValues().get(0);
      var result = trainer.step(sampler.identityBatch(2), sampler.instanceBatch(4));
      assertTrue(Float.isFinite(result.loss()) && result.loss() > 0, "loss " + result.loss());
      assertFalse(Arrays.equals(before, trainer.probeValues().get(0)));
      float[] embeddings = trainer.embed(sampler.instanceBatch(2).images(), 2);
      assertEquals(2 * 128, embeddings.length);
      double norm = 0;
      for (int d = 0; d < 128; d++) {
        norm += embeddings[d] * embeddings[d];
      }
      assertEquals(1.0, norm, 1e-4);
    }
  }

  @Test
  void unknownNamesAndBadSizesAreRefusedWithTheChoices() {
    var e = assertThrows(IllegalArgumentException.class, () -> Backbones.create("resnet-9000", 8, 112));
    assertTrue(e.getMessage().contains("mobilefacenet, small-cnn"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Backbones.create(Backbones.MOBILEFACENET, 8, 100));
  }
}
