package io.f2c.serving;

import io.f2c.recognition.EmbedAnswer;
import io.f2c.recognition.EncodedImage;
import io.f2c.recognition.EnrollAnswer;
import io.f2c.recognition.ModelStatus;
import io.f2c.recognition.RecognitionException;
import io.f2c.recognition.Recognizer;
import io.f2c.recognition.VerifyAnswer;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** The service's endpoints, each a thin translation between JSON and the {@link Recognizer}. */
final class FaceApi {
  /** Most identities one identify call returns. */
  static final int MAX_K = 100;

  private final Recognizer recognizer;
  private final long maxRequestBytes;

  FaceApi(Recognizer recognizer, long maxRequestBytes) {
    this.recognizer = recognizer;
    this.maxRequestBytes = maxRequestBytes;
  }

  /** POST /v1/embed {image} -> {model, version, embedding}. */
  void embed(Context ctx) {
    EncodedImage image = body(ctx).image("image");
    EmbedAnswer a = call(() -> recognizer.embed(image), i -> "image");
    ctx.json(new Responses.Embed(a.model().model(), a.model().version(), a.embedding()));
  }

  /**
   * POST /v1/verify {image_a, image_b} or {image, identity} -> {model, version, score, threshold,
   * thresholdSource, same}.
   */
  void verify(Context ctx) {
    JsonBody body = body(ctx);
    VerifyAnswer a;
    if (body.has("identity")) {
      String identity = body.string("identity");
      EncodedImage image = body.image("image");
      a = call(() -> recognizer.verify(image, identity), i -> "image");
    } else if (body.has("image_a") || body.has("image_b")) {
      EncodedImage first = body.image("image_a");
      EncodedImage second = body.image("image_b");
      a = call(() -> recognizer.verify(first, second), i -> i == 0 ? "image_a" : "image_b");
    } else {
      throw ApiException.badRequest("give image_a and image_b, or image and identity", null);
    }
    ctx.json(Responses.Verify.of(a.model(), a.score(), a.threshold(), a.same()));
  }

  /** POST /v1/identify {image, k} -> {model, version, matches, threshold, ..., recognized}. */
  void identify(Context ctx) {
    JsonBody body = body(ctx);
    EncodedImage image = body.image("image");
    int k = body.integer("k", 5, 1, MAX_K);
    ctx.json(Responses.Identify.of(call(() -> recognizer.identify(image, k), i -> "image")));
  }

  /** POST /v1/enroll {identity, images} -> {identity, images, model, version}. */
  void enroll(Context ctx) {
    JsonBody body = body(ctx);
    String identity = body.string("identity");
    List<EncodedImage> images = body.images("images");
    EnrollAnswer a = call(() -> recognizer.enroll(identity, images), i -> "images[" + i + "]");
    ctx.json(
        new Responses.Enroll(a.identity(), a.images(), a.model().model(), a.model().version()));
  }

  /** GET /health: 200 once a model answers, 503 before. */
  void health(Context ctx) {
    Optional<ModelStatus> status = recognizer.status();
    if (status.isPresent()) {
      ctx.json(
          new Responses.Health(
              "ok", status.get().model().model(), status.get().model().version(), null));
    } else {
      ctx.status(503).json(new Responses.Health("unavailable", null, null, "no model loaded yet"));
    }
  }

  /** GET /v1/model: the version answering now; 503 before the first. */
  void model(Context ctx) {
    ModelStatus status =
        recognizer
            .status()
            .orElseThrow(
                () -> new ApiException(503, "NO_MODEL", "no model version is loaded yet", null));
    ctx.json(Responses.Model.of(status, Instant.now()));
  }

  private JsonBody body(Context ctx) {
    return JsonBody.read(ctx, maxRequestBytes);
  }

  private static <T> T call(Supplier<T> call, IntFunction<String> fieldOfImage) {
    try {
      return call.get();
    } catch (RecognitionException e) {
      throw ApiException.of(e, fieldOfImage);
    }
  }
}
