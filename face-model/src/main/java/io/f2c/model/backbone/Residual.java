package io.f2c.model.backbone;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import java.util.List;

/**
 * {@code body(x) + x}: a ParallelBlock whose join is known to be an addition, so that exporters can
 * translate it (a plain ParallelBlock's join is an opaque function). Saves and loads its parameters
 * exactly as the ParallelBlock it replaces.
 */
public final class Residual extends ParallelBlock {
  public Residual(Block body) {
    super(
        branches ->
            new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
        List.of(body, Backbones.identity()));
  }

  /** The branch whose output is added to the input. */
  public Block body() {
    return getChildren().get(0).getValue();
  }
}
