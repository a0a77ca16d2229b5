package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.batching.DualBatchSampler;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.testing.FaceSets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MobileFaceNetTrainingTest {

  @Test
  void mobileFaceNetTrainsAStepAt112PixelsAndEmbedsOnTheUnitSphere() {
    PreprocessSpec spec = PreprocessSpec.of(112, 3, 1.0);
    TrainerConfig config =
        TrainerConfig.builder()
            .network(Backbone.MOBILEFACENET, 128, spec)
            .head(TrainerConfig.Head.DCP, 8, 10)
            .seed(1)
            .build();
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
}
