package io.f2c.cli.bench;

import com.sun.management.OperatingSystemMXBean;
import io.f2c.training.PartialFcHead;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes each head needs: its parameters, gradients, optimizer buffers and logits (temporaries
 * of the loss are left out for all heads), and for the heads over all N classes an estimate of the
 * peak, which decides whether they are run.
 */
final class HeadMemory {
  private static final int FLOAT = 4;

  private final int dim;
  private final int batch;
  private final double partialFcRate;

  HeadMemory(int dim, int batch, double partialFcRate) {
    this.dim = dim;
    this.batch = batch;
    this.partialFcRate = partialFcRate;
  }

  /**
   * The pool's two slots (no gradients, no optimizer buffers) and the logits: 2 sets x 2 passes of
   * B/2 x Q.
   */
  long dcpBytes(int pool) {
    return (2L * pool * dim + 2L * batch * pool) * FLOAT;
  }

  /**
   * Weights, their gradients and momentum buffers (N x D each), and the logits of the B probes (B x
   * N).
   */
  long fcBytes(long ids) {
    return (3L * ids * dim + (long) batch * ids) * FLOAT;
  }

  /**
   * What an FC step really allocates at its peak: also backward temporaries of the weights and of
   * the logits.
   */
  long fcPeakBytes(long ids) {
    return (5L * ids * dim + 8L * batch * ids) * FLOAT;
  }

  /**
   * K, the centres a Partial FC step uses: floor(rate x N), or the B labels where they are more (at
   * most N).
   */
  long partialFcSample(long ids) {
    return Math.max(PartialFcHead.sampleCount(ids, partialFcRate), Math.min(batch, ids));
  }

  /**
   * Weights and momentum buffers of all N centres (N x D each), the sampled centres' copy and its
   * gradient (K x D each), and the logits (B x K).
   */
  long partialFcBytes(long ids) {
    long sample = partialFcSample(ids);
    return (2L * ids * dim + 2L * sample * dim + batch * sample) * FLOAT;
  }

  /**
   * What a Partial FC step allocates at its peak, about: also the sampling scores (N), the sparse
   * update's temporaries of K x D and the backward temporaries of the logits.
   */
  long partialFcPeakBytes(long ids) {
    long sample = partialFcSample(ids);
    return (2L * ids * dim + ids + 7L * sample * dim + 8L * batch * sample) * FLOAT;
  }

  /**
   * Bytes this process could still allocate: MemAvailable from /proc/meminfo, else the JVM's view.
   */
  static long availableMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024L;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getFreeMemorySize();
  }
}
