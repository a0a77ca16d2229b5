package io.f2c.job.calibration;

import io.f2c.eval.ThresholdCalibration;
import io.f2c.job.ingest.DecodedFace;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.model.Embedder;
import java.util.ArrayList;
import java.util.List;
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
 * Forgetting and freshness, live: watched identities ({@link WatchedIdentities}), which train like
 * any other, are grouped into cohorts by arrival, {@code cohortSize} identities with two faces
 * each. Every version is scored on the first cohort (an old cohort it should not forget) and on the
 * latest complete one (people who arrived recently): balanced verification accuracy over all pairs
 * of the cohort's faces at the best threshold ({@link ThresholdCalibration}). The first cohort's
 * best score so far minus its score now is its forgetting. Only these two cohorts and the one
 * filling are kept, two faces per identity, in state; the scores are metrics and a log line per
 * version.
 */
public final class CohortWatcher
    extends KeyedCoProcessFunction<String, PublishedModel, DecodedFace, PublishedModel> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CohortWatcher.class);

  /** Faces kept per watched identity: one same-identity pair. */
  public static final int FACES_PER_IDENTITY = 2;

  private final int cohortSize;
  private transient MapState<String, Integer> cohortOf;
  private transient MapState<String, Integer> facesInFilling;
  private transient ListState<DecodedFace> filling;
  private transient ListState<DecodedFace> first;
  private transient ListState<DecodedFace> latest;
  private transient ValueState<Integer> fillingCohort;
  private transient ValueState<Integer> fillingPaired;
  private transient ValueState<Double> firstBest;
  private transient volatile double firstAccuracy;
  private transient volatile double firstForgetting;
  private transient volatile double latestAccuracy;
  private transient volatile int latestCohort;

  public CohortWatcher(int cohortSize) {
    if (cohortSize < 2) {
      throw new IllegalArgumentException("a cohort needs 2 identities or more, was " + cohortSize);
    }
    this.cohortSize = cohortSize;
  }

  @Override
  public void open(OpenContext context) {
    cohortOf = map("watched-cohort-of");
    facesInFilling = map("watched-faces-in-filling");
    filling = list("watched-filling");
    first = list("watched-first");
    latest = list("watched-latest");
    fillingCohort =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("watched-filling-cohort", Types.INT));
    fillingPaired =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("watched-filling-paired", Types.INT));
    firstBest =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("watched-first-best", Types.DOUBLE));
    firstAccuracy = Double.NaN;
    firstForgetting = Double.NaN;
    latestAccuracy = Double.NaN;
    latestCohort = -1;
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("cohorts");
    group.gauge("firstCohortAccuracy", () -> firstAccuracy);
    group.gauge("firstCohortForgetting", () -> firstForgetting);
    group.gauge("latestCohortAccuracy", () -> latestAccuracy);
    group.gauge("latestCohort", () -> latestCohort);
  }

  private MapState<String, Integer> map(String name) {
    return getRuntimeContext().getMapState(new MapStateDescriptor<>(name, Types.STRING, Types.INT));
  }

  private ListState<DecodedFace> list(String name) {
    return getRuntimeContext()
        .getListState(new ListStateDescriptor<>(name, TypeInformation.of(DecodedFace.class)));
  }

  @Override
  public void processElement2(DecodedFace face, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    int current = orZero(fillingCohort.value());
    Integer cohort = cohortOf.get(face.identityId);
    if (cohort == null) {
      cohortOf.put(face.identityId, current);
    } else if (cohort != current) {
      return; // its cohort is closed
    }
    int have = orZero(facesInFilling.get(face.identityId));
    if (have >= FACES_PER_IDENTITY) {
      return;
    }
    filling.add(face);
    facesInFilling.put(face.identityId, have + 1);
    if (have + 1 == FACES_PER_IDENTITY) {
      int paired = orZero(fillingPaired.value()) + 1;
      fillingPaired.update(paired);
      if (paired == cohortSize) {
        close(current);
      }
    }
  }

  /** The filling cohort is complete: it becomes the latest (and, if it is cohort 0, the first). */
  private void close(int cohort) throws Exception {
    List<DecodedFace> paired = new ArrayList<>();
    for (DecodedFace f : filling.get()) {
      if (orZero(facesInFilling.get(f.identityId)) == FACES_PER_IDENTITY) {
        paired.add(f);
      }
    }
    if (cohort == 0) {
      first.update(paired);
    }
    latest.update(paired);
    filling.clear();
    facesInFilling.clear();
    fillingPaired.update(0);
    fillingCohort.update(cohort + 1);
    LOG.info("watched cohort {} complete: {} identities", cohort, cohortSize);
  }

  @Override
  public void processElement1(PublishedModel model, Context ctx, Collector<PublishedModel> out)
      throws Exception {
    List<DecodedFace> firstFaces = new ArrayList<>();
    first.get().forEach(firstFaces::add);
    if (!firstFaces.isEmpty()) {
      List<DecodedFace> latestFaces = new ArrayList<>();
      latest.get().forEach(latestFaces::add);
      try (Embedder embedder = Embedder.load(model.blob)) {
        firstAccuracy = score(embedder, model, firstFaces);
        latestAccuracy = score(embedder, model, latestFaces);
      }
      Double best = firstBest.value();
      double newBest = best == null ? firstAccuracy : Math.max(best, firstAccuracy);
      firstBest.update(newBest);
      firstForgetting = newBest - firstAccuracy;
      latestCohort = orZero(fillingCohort.value()) - 1;
      LOG.info(
          "v{}: watched cohorts: first {} (forgetting {}), latest (cohort {}) {}",
          model.version,
          String.format("%.4f", firstAccuracy),
          String.format("%.4f", firstForgetting),
          latestCohort,
          String.format("%.4f", latestAccuracy));
    }
    out.collect(model);
  }

  double firstAccuracy() {
    return firstAccuracy;
  }

  double firstForgetting() {
    return firstForgetting;
  }

  double latestAccuracy() {
    return latestAccuracy;
  }

  int latestCohort() {
    return latestCohort;
  }

  private static double score(Embedder embedder, PublishedModel model, List<DecodedFace> faces) {
    return ThresholdCalibration.choose(
            FaceBatchEmbedding.embed(embedder, model.input(), faces),
            FaceBatchEmbedding.labels(faces),
            embedder.dim())
        .balancedAccuracy();
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
