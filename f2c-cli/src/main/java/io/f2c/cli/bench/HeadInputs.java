package io.f2c.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/** The head benchmark's random input: unit embeddings and the identities of a step's images. */
final class HeadInputs {
  private final int batch;
  private final int dim;

  HeadInputs(int batch, int dim) {
    this.batch = batch;
    this.dim = dim;
  }

  /**
   * x and y identities out of N (B/2 each): B/4 identity-batch ids in both, then B/4 random
   * instance ids each.
   */
  long[][] labels(SplittableRandom random, long ids) {
    int perPass = batch / 2;
    long[] x = new long[perPass];
    long[] y = new long[perPass];
    int half = perPass / 2;
    Set<Long> chosen = new HashSet<>();
    for (int i = 0; i < half; i++) {
      long id;
      do {
        id = random.nextLong(ids);
      } while (!chosen.add(id));
      x[i] = id;
      y[i] = id;
    }
    for (int i = half; i < perPass; i++) {
      x[i] = random.nextLong(ids);
      y[i] = random.nextLong(ids);
    }
    return new long[][] {x, y};
  }

  /** The identities as the trainer's heads name them. */
  static String[] names(long[] ids) {
    return Arrays.stream(ids).mapToObj(id -> "id-" + id).toArray(String[]::new);
  }

  /** B/2 random unit embeddings of dimension D. */
  NDArray unitEmbeddings(NDManager manager, boolean requiresGradient) {
    NDArray a =
        manager
            .randomNormal(0f, 1f, new Shape(batch / 2, dim), DataType.FLOAT32)
            .normalize(2, 1, 1e-12);
    if (requiresGradient) {
      a.setRequiresGradient(true);
    }
    return a;
  }
}
