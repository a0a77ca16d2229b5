package io.f2c.batching;

import io.f2c.ingest.DecodedFace;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The registry of identities, keyed by identity id in RocksDB state: image count and first-seen time. Emits the new
 * count for every image. The identity-based loader builds on this registry. Metrics (group "ingest"):
 * identitiesSeen, imagesCounted.
 */
public final class IdentityCounter extends KeyedProcessFunction<String, DecodedFace, IdentityCount> {
  private static final long serialVersionUID = 1L;

  private transient ValueState<IdentityCount> registry;
  private transient Counter identitiesSeen;
  private transient Counter imagesCounted;

  @Override
  public void open(OpenContext openContext) {
    registry = getRuntimeContext().getState(new ValueStateDescriptor<>("identity-registry", IdentityCount.class));
    var group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    identitiesSeen = group.counter("identitiesSeen");
    imagesCounted = group.counter("imagesCounted");
  }

  @Override
  public void processElement(DecodedFace face, Context ctx, Collector<IdentityCount> out) throws Exception {
    IdentityCount entry = registry.value();
    if (entry == null) {
      entry = new IdentityCount(face.identityId, 0, ctx.timerService().currentProcessingTime());
      identitiesSeen.inc();
    }
    entry.images++;
    imagesCounted.inc();
    registry.update(entry);
    out.collect(new IdentityCount(entry.identityId, entry.images, entry.firstSeenMillis));
  }
}
