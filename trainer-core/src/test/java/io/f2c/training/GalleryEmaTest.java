package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.f2c.testing.TinyTrainers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** G = m G + (1 - m) P, checked on values worked out by hand. */
class GalleryEmaTest {
  @Test
  void galleryMovesATenthOfTheWayToTheProbeNet() {
    try (F2cTrainer trainer = new F2cTrainer(TinyTrainers.tiny(TrainerConfig.Head.DCP))) {
      List<NDArray> p = trainer.networks().probeArrays();
      List<NDArray> g = trainer.networks().galleryArrays();
      assertEquals(p.size(), g.size());
      assertTrue(p.size() > 4);
      for (int i = 0; i < p.size(); i++) {
        int n = (int) p.get(i).size();
        float[] pv = new float[n];
        float[] gv = new float[n];
        for (int k = 0; k < n; k++) {
          pv[k] = k % 2 == 0 ? 1.0f : -2.0f;
          gv[k] = k % 2 == 0 ? 0.5f : 4.0f;
        }
        InPlace.copy(p.get(i), pv);
        InPlace.copy(g.get(i), gv);
      }
      trainer.networks().emaUpdate(0.9f);
      for (int i = 0; i < p.size(); i++) {
        float[] after = g.get(i).toFloatArray();
        float[] probe = p.get(i).toFloatArray();
        for (int k = 0; k < after.length; k++) {
          // 0.9 * 0.5 + 0.1 * 1 = 0.55 and 0.9 * 4 + 0.1 * (-2) = 3.4; P is left as it was.
          assertEquals(k % 2 == 0 ? 0.55f : 3.4f, after[k], 1e-6f, "array " + i + " value " + k);
          assertEquals(k % 2 == 0 ? 1.0f : -2.0f, probe[k], "P unchanged");
        }
      }
    }
  }
}
