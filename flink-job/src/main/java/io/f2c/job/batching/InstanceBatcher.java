package io.f2c.job.batching;

import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.ingest.DecodedFace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The instance-based loader: a bounded shuffle buffer. Faces are added as they come; whenever the
 * buffer holds {@code bufferSize} faces, {@code batchSize} of them, drawn at random, leave as one
 * instance batch. The buffer is operator state, so a restore loses no face and repeats none.
 */
public final class InstanceBatcher extends ProcessFunction<DecodedFace, InstanceBatchRecord>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final int batchSize;
  private final int bufferSize;
  private final long seed;
  private transient List<DecodedFace> buffer;
  private transient ListState<DecodedFace> checkpointed;
  private transient SplittableRandom random;

  public InstanceBatcher(int batchSize, int bufferSize, long seed) {
    if (batchSize % 2 != 0 || batchSize <= 0 || bufferSize < batchSize) {
      throw new IllegalArgumentException(
          "instance batch must be even and positive, the shuffle buffer at least as "
              + "large; were "
              + batchSize
              + " and "
              + bufferSize);
    }
    this.batchSize = batchSize;
    this.bufferSize = bufferSize;
    this.seed = seed;
  }

  @Override
  public void open(OpenContext context) {
    random = new SplittableRandom(seed ^ getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    // Faces waiting for a batch, restored with the buffer: part of the input's accounting.
    getRuntimeContext().getMetricGroup().gauge("imagesBuffered", () -> buffer.size());
  }

  @Override
  public void processElement(DecodedFace face, Context ctx, Collector<InstanceBatchRecord> out) {
    buffer.add(face);
    if (buffer.size() >= bufferSize) {
      String[] labels = new String[batchSize];
      int length = face.pixels.length;
      byte[] images = new byte[batchSize * length];
      for (int i = 0; i < batchSize; i++) {
        int pick = random.nextInt(buffer.size());
        DecodedFace chosen = buffer.get(pick);
        buffer.set(pick, buffer.get(buffer.size() - 1));
        buffer.remove(buffer.size() - 1);
        labels[i] = chosen.identityId;
        System.arraycopy(chosen.pixels, 0, images, i * length, length);
      }
      out.collect(new InstanceBatchRecord(labels, images));
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    checkpointed.update(buffer);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    checkpointed =
        context
            .getOperatorStateStore()
            .getListState(new ListStateDescriptor<>("instance-shuffle-buffer", DecodedFace.class));
    buffer = new ArrayList<>();
    for (DecodedFace face : checkpointed.get()) {
      buffer.add(face);
    }
  }
}
