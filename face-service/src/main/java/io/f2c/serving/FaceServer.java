package io.f2c.serving;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.f2c.recognition.Recognizer;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The face-recognition HTTP service (Javalin on Jetty) over a {@link Recognizer}: JSON in and out,
 * images as base64. Routes: see {@code openapi.json} beside this class (a test keeps the two
 * equal).
 */
public final class FaceServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaceServer.class);
  static final String OPENAPI_RESOURCE = "openapi.json";

  private final Javalin app;
  private final Set<String> routes = new ConcurrentSkipListSet<>();
  private final String url;

  private FaceServer(Recognizer recognizer, ServerSettings settings) {
    Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    FaceApi api = new FaceApi(recognizer, settings.maxRequestBytes());
    byte[] openApi = openApiDocument();
    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.jsonMapper(new GsonJsonMapper(gson));
              config.http.maxRequestSize = settings.maxRequestBytes();
              config.http.prefer405over404 = true;
              config.events.handlerAdded(h -> routes.add(h.getHttpMethod() + " " + h.getPath()));
            });
    app.get("/health", api::health);
    app.get("/openapi.json", ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result(openApi));
    app.get("/v1/model", api::model);
    app.post("/v1/embed", api::embed);
    app.post("/v1/verify", api::verify);
    app.post("/v1/identify", api::identify);
    app.post("/v1/enroll", api::enroll);
    app.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
    app.exception(
        HttpResponseException.class,
        (e, ctx) ->
            ctx.status(e.getStatus())
                .json(new Responses.Error(e.getMessage(), reasonOf(e.getStatus()), null)));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          ctx.status(500).json(new Responses.Error(e.toString(), "INTERNAL", null));
        });
    app.error(
        404,
        ctx -> {
          if (ctx.result() == null) {
            ctx.json(new Responses.Error("no route " + ctx.path(), "NOT_FOUND", null));
          }
        });
    app.error(
        405,
        ctx ->
            ctx.json(
                new Responses.Error(
                    ctx.method() + " is not allowed on " + ctx.path(),
                    "METHOD_NOT_ALLOWED",
                    null)));
    app.start(settings.host(), settings.port());
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    url = "http://" + host + ":" + app.port();
  }

  /** Starts serving {@code recognizer}; returns once the port is bound. */
  public static FaceServer start(Recognizer recognizer, ServerSettings settings) {
    return new FaceServer(recognizer, settings);
  }

  /** {@code http://host:port}, with the port actually bound. */
  public String url() {
    return url;
  }

  public int port() {
    return app.port();
  }

  /** "METHOD /path" of every route registered, sorted. */
  public List<String> routes() {
    return List.copyOf(new TreeSet<>(routes));
  }

  /** The OpenAPI 3 document the service serves at /openapi.json. */
  public static byte[] openApiDocument() {
    try (InputStream in = FaceServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String reasonOf(int status) {
    return switch (status) {
      case 413 -> "BODY_TOO_LARGE";
      case 404 -> "NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
    };
  }

  @Override
  public void close() {
    app.stop();
  }
}
