package io.f2c.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The probe net P (trained by SGD) and, for F2C, the gallery net G (never trained; a moving average
 * of P), built from the same backbone so their parameter lists line up one to one.
 */
final class Networks {
  private static final NDIndex EVERYTHING = new NDIndex("...");

  private final Block probe;
  private final Block gallery;
  private final ParameterStore store;

  Networks(TrainerConfig config, NDManager manager, boolean withGallery) {
    Shape inputShape =
        new Shape(2, config.input().channels(), config.input().size(), config.input().size());
    // PyTorch's generator is one per process: trainers built at once on several threads would
    // share its stream, and K trainers must start from the same weights.
    synchronized (Networks.class) {
      Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
      probe = config.backbone().create(config.embeddingDim(), config.input().size());
      probe.initialize(manager, DataType.FLOAT32, inputShape);
      if (withGallery) {
        gallery = config.backbone().create(config.embeddingDim(), config.input().size());
        gallery.initialize(manager, DataType.FLOAT32, inputShape);
        List<NDArray> p = arrays(probe, false);
        List<NDArray> g = arrays(gallery, false);
        for (int i = 0; i < p.size(); i++) {
          g.get(i).set(EVERYTHING, p.get(i)); // into G's own storage, tensor to tensor
        }
      } else {
        gallery = null;
      }
    }
    store = new ParameterStore(manager, false);
  }

  Block probe() {
    return probe;
  }

  boolean hasGallery() {
    return gallery != null;
  }

  /** Every array of P (weights and BatchNorm running statistics), in block order. */
  List<NDArray> probeArrays() {
    return arrays(probe, false);
  }

  List<NDArray> galleryArrays() {
    return gallery == null ? List.of() : arrays(gallery, false);
  }

  /** P's arrays that get gradients. */
  List<NDArray> trainableProbeArrays() {
    return arrays(probe, true);
  }

  NDArray forwardProbe(NDArray images, boolean training) {
    return probe.forward(store, new NDList(images), training).singletonOrThrow();
  }

  NDArray forwardGallery(NDArray images) {
    // Batch statistics, like P during training; no gradient is recorded outside a
    // GradientCollector.
    return gallery.forward(store, new NDList(images), true).singletonOrThrow();
  }

  /** G = m G + (1 - m) P, in place, for every array including BatchNorm statistics. */
  void emaUpdate(float momentum) {
    List<NDArray> p = probeArrays();
    List<NDArray> g = galleryArrays();
    for (int i = 0; i < p.size(); i++) {
      g.get(i).muli(momentum).addi(p.get(i).mul(1 - momentum));
    }
  }

  private static List<NDArray> arrays(Block block, boolean trainableOnly) {
    List<NDArray> out = new ArrayList<>();
    for (var pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      if (!trainableOnly || parameter.requiresGradient()) {
        out.add(parameter.getArray());
      }
    }
    return out;
  }
}
