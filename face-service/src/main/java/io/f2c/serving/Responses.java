package io.f2c.serving;

import io.f2c.recognition.IdentifyAnswer;
import io.f2c.recognition.ModelRef;
import io.f2c.recognition.ModelRelease;
import io.f2c.recognition.ModelStatus;
import io.f2c.recognition.Threshold;
import io.f2c.schema.TrainingMetrics;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies the service answers with (Gson writes records by their component names; null
 * components are left out). openapi.json describes each.
 */
final class Responses {
  private Responses() {}

  /** A float as the decimal it was written as (0.8f reads 0.8, not 0.800000011920929). */
  static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  record Error(String error, String reason, String field) {}

  record Health(String status, String model, Long version, String error) {}

  record Embed(String model, long version, float[] embedding) {}

  record Verify(
      String model,
      long version,
      double score,
      double threshold,
      String thresholdSource,
      boolean same) {
    static Verify of(ModelRef ref, double score, Threshold t, boolean same) {
      return new Verify(ref.model(), ref.version(), score, t.value(), t.sourceName(), same);
    }
  }

  record Match(String identity, double score) {}

  record Identify(
      String model,
      long version,
      List<Match> matches,
      double threshold,
      String thresholdSource,
      boolean recognized) {
    static Identify of(IdentifyAnswer a) {
      return new Identify(
          a.model().model(),
          a.model().version(),
          a.matches().stream().map(m -> new Match(m.identity(), m.score())).toList(),
          a.threshold().value(),
          a.threshold().sourceName(),
          a.recognized());
    }
  }

  record Enroll(String identity, int images, String model, long version) {}

  record Input(int size, int channels, double cropFraction, double normMean, double normScale) {}

  record Metrics(double loss, double poolOccupancy, long imagesSeen, long identitiesSeen) {}

  record Gallery(int identities, int images, long bytes) {}

  /** GET /v1/model. */
  record Model(
      String model,
      long version,
      Long trainingStep,
      String createdAt,
      String origin,
      String sha256,
      String architecture,
      int embeddingDim,
      Input input,
      boolean testTimeFlip,
      double threshold,
      String thresholdSource,
      Metrics metrics,
      Long lagMs,
      long ageMs,
      String installedAt,
      long reembedMs,
      Gallery gallery) {

    static Model of(ModelStatus s, Instant now) {
      ModelRelease r = s.release();
      TrainingMetrics m = r.metrics();
      return new Model(
          r.modelName(),
          r.version(),
          r.trainingStep() < 0 ? null : r.trainingStep(),
          r.createdAt() == null ? null : r.createdAt().toString(),
          r.origin(),
          r.sha256(),
          s.architecture(),
          s.embeddingDim(),
          new Input(
              s.input().size(),
              s.input().channels(),
              decimal(s.input().cropFraction()),
              decimal(s.input().normMean()),
              decimal(s.input().normScale())),
          s.testTimeFlip(),
          s.threshold().value(),
          s.threshold().sourceName(),
          m == null
              ? null
              : new Metrics(
                  m.getLoss(), m.getPoolOccupancy(), m.getImagesSeen(), m.getIdentitiesSeen()),
          r.lagMs() < 0 ? null : r.lagMs(),
          r.createdAt() == null
              ? 0
              : Math.max(0, now.toEpochMilli() - r.createdAt().toEpochMilli()),
          s.installedAt().toString(),
          s.reembedMillis(),
          new Gallery(s.identities(), s.enrolledImages(), s.enrolledBytes()));
    }
  }
}
