package io.f2c.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Where the trainer's tensors live. */
public enum TrainingDevice {
  CPU,
  /** A GPU; the trainer refuses to start where DJL finds none. */
  GPU,
  /** A GPU where DJL finds one, else the CPU. */
  AUTO;

  /** This choice as a DJL device on this machine, for the first trainer. */
  public Device resolve() {
    return resolve(0);
  }

  /**
   * This choice for trainer {@code trainer} of several on this machine: GPUs are dealt out in turn,
   * so K trainers in one TaskManager with K GPUs get one each.
   */
  public Device resolve(int trainer) {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    return switch (this) {
      case CPU -> Device.cpu();
      case AUTO -> gpus > 0 ? Device.gpu(trainer % gpus) : Device.cpu();
      case GPU -> {
        if (gpus == 0) {
          throw new Unavailable(
              "--device gpu: DJL finds no GPU on this machine (use --device cpu or auto, or a CUDA build of libtorch)");
        }
        yield Device.gpu(trainer % gpus);
      }
    };
  }

  /** A device that this machine does not have: no retry can help, the setting must change. */
  public static final class Unavailable extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /** The flag's spelling: cpu, gpu or auto. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The device called {@code id} (cpu, gpu or auto).
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static TrainingDevice of(String id) {
    try {
      return valueOf(id.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("device is cpu, gpu or auto, was '" + id + "'", e);
    }
  }
}
