package io.f2c.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.f2c.model.ModelBlob;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting a trainer without state from a published model: the model's network (weights and
 * BatchNorm statistics) becomes both the probe and the gallery net. What a model does not carry
 * starts fresh: the class pool or FC layer, the optimizer's momentum, the step count (so the
 * learning-rate warm-up runs again). A model of another backbone, embedding size or input cannot
 * carry its network over; the trainer then starts fresh as a whole, and {@link Outcome#reason} says
 * what differed.
 */
public final class WarmStart {
  private WarmStart() {}

  /**
   * @param applied whether the networks now hold the model's
   * @param reason what was taken over, or why nothing was (for the log)
   */
  public record Outcome(boolean applied, String reason) {}

  static Outcome apply(F2cTrainer trainer, byte[] blob) {
    TrainerConfig config = trainer.config();
    try (NDManager scratch = NDManager.newBaseManager(trainer.device(), "PyTorch")) {
      ModelBlob.Loaded model = ModelBlob.read(blob, scratch);
      ModelBlob.Header h = model.header();
      List<String> differences = new ArrayList<>();
      if (h.architecture() != config.backbone()) {
        differences.add(
            "--backbone " + h.architecture() + " (this job: " + config.backbone() + ")");
      }
      if (h.embeddingDim() != config.embeddingDim()) {
        differences.add(
            "--embedding-dim " + h.embeddingDim() + " (this job: " + config.embeddingDim() + ")");
      }
      if (!h.input().equals(config.input())) {
        differences.add("input " + h.input() + " (this job: " + config.input() + ")");
      }
      if (!differences.isEmpty()) {
        return new Outcome(
            false,
            "the model's network cannot carry over, it was trained with "
                + String.join(", ", differences)
                + "; every part starts fresh");
      }
      List<NDArray> source = new ArrayList<>();
      for (Pair<String, Parameter> p : model.net().getParameters()) {
        source.add(p.getValue().getArray());
      }
      copy(source, trainer.networks().probeArrays());
      copy(source, trainer.networks().galleryArrays());
      String head =
          config.head() == TrainerConfig.Head.DCP
              ? "the class pool starts empty"
              : "the FC layer starts fresh";
      return new Outcome(
          true,
          "probe and gallery nets from the model ("
              + h.architecture()
              + ", D "
              + h.embeddingDim()
              + "); "
              + head
              + ", momentum at zero, the learning-rate schedule from step 0");
    }
  }

  /** Copies values array by array (the same backbone lists its parameters in the same order). */
  private static void copy(List<NDArray> source, List<NDArray> target) {
    if (target.isEmpty()) {
      return; // FC: no gallery net
    }
    if (source.size() != target.size()) {
      throw new IllegalStateException(
          "the model has " + source.size() + " arrays, the trainer " + target.size());
    }
    for (int i = 0; i < source.size(); i++) {
      InPlace.copy(target.get(i), source.get(i).toFloatArray());
    }
  }
}
