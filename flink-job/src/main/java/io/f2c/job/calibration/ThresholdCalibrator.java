package io.f2c.job.calibration;

import io.f2c.eval.ThresholdCalibration;
import io.f2c.job.ingest.DecodedFace;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.model.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each model version on its way to the publisher the verification threshold chosen on faces
 * of held-out identities ({@link HeldOutIdentities}), with {@link ThresholdCalibration}. It keeps
 * up to {@value #FACES_PER_IDENTITY} faces of each held-out identity and {@code capacity} in all,
 * in state (checkpointed with the trainer, so a restored job chooses the same thresholds); faces
 * past that are counted, not kept. Until {@value #MIN_IDENTITIES} held-out identities have two
 * faces each, versions go out without a threshold.
 */
public final class ThresholdCalibrator
    extends KeyedCoProcessFunction<String, PublishedModel, DecodedFace, PublishedModel> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ThresholdCalibrator.class);

  /** Same-identity pairs need two faces; four give six pairs without one identity dominating. */
  public static final int FACES_PER_IDENTITY = 4;

  public static final int MIN_IDENTITIES = 4;

  private final int capacity;
  private transient ListState<DecodedFace> faces;
  private transient MapState<String, Integer> perIdentity;
  private transient ValueState<Integer> keptCount;
  private transient ValueState<Long> notKept;
  private transient volatile int kept;
  private transient volatile int identities;
  private transient volatile double threshold;
  private transient volatile double accuracy;

  public ThresholdCalibrator(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public void open(OpenContext context) {
    faces =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("held-out-faces", TypeInformation.of(DecodedFace.class)));
    perIdentity =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("held-out-identities", Types.STRING, Types.INT));
    keptCount =
        getRuntimeContext().getState(new ValueStateDescriptor<>("held-out-kept", Types.INT));
    notKept =
        getRuntimeContext().getState(new ValueStateDescriptor<>("held-out-not-kept", Types.LONG));
    threshold = Double.NaN;
    accuracy = Double.NaN;
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("calibration");
    group.gauge("heldOutFaces", () -> kept);
    group.gauge("heldOutIdentities", () -> identities);
    group.gauge("threshold", () -> threshold);
    group.gauge("heldOutAccuracy", () -> accuracy);
  }

  @Override
  public void processElement2(DecodedFace face, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    Integer ofIdentity = perIdentity.get(face.identityId);
    int have = ofIdentity == null ? 0 : ofIdentity;
    Integer total = keptCount.value();
    int all = total == null ? 0 : total;
    if (have >= FACES_PER_IDENTITY || all >= capacity) {
      Long skipped = notKept.value();
      notKept.update(skipped == null ? 1 : skipped + 1);
      return;
    }
    faces.add(face);
    perIdentity.put(face.identityId, have + 1);
    keptCount.update(all + 1);
    kept = all + 1;
  }

  @Override
  public void processElement1(PublishedModel model, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    List<DecodedFace> heldOut = new ArrayList<>();
    faces.get().forEach(heldOut::add);
    Map<String, Long> facesOf =
        heldOut.stream().collect(Collectors.groupingBy(f -> f.identityId, Collectors.counting()));
    kept = heldOut.size();
    identities = facesOf.size();
    long pairedIdentities = facesOf.values().stream().filter(n -> n >= 2).count();
    if (pairedIdentities >= MIN_IDENTITIES) {
      ThresholdCalibration.Result result = calibrate(model, heldOut);
      model.verificationThreshold = result.threshold();
      threshold = result.threshold();
      accuracy = result.balancedAccuracy();
      LOG.info(
          "v{}: verification threshold {} (balanced accuracy {} on {} held-out faces of {}"
              + " identities)",
          model.version,
          String.format("%.4f", result.threshold()),
          String.format("%.4f", result.balancedAccuracy()),
          heldOut.size(),
          result.identities());
    } else {
      LOG.info(
          "v{}: no verification threshold yet: {} held-out identities have two faces, {} needed",
          model.version,
          pairedIdentities,
          MIN_IDENTITIES);
    }
    out.collect(model);
  }

  private static ThresholdCalibration.Result calibrate(
      PublishedModel model, List<DecodedFace> heldOut) {
    try (Embedder embedder = Embedder.load(model.blob)) {
      return ThresholdCalibration.choose(
          FaceBatchEmbedding.embed(embedder, model.input(), heldOut),
          FaceBatchEmbedding.labels(heldOut),
          embedder.dim());
    }
  }
}
