package io.f2c.cli.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.model.Embedder;
import io.f2c.model.ModelBlob;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.recognition.Recognizer;
import io.f2c.recognition.RecognizerSettings;
import io.f2c.schema.ImageFormat;
import io.f2c.serving.FaceServer;
import io.f2c.serving.ServerSettings;
import io.f2c.synthetic.SyntheticFaces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The serving path against the bare embedder on the same encoded images: decode, preprocess and
 * embed one image in-process, against POST /v1/embed to {@link FaceServer} over loopback HTTP with
 * several concurrent clients (JSON, base64 image). Latency percentiles and answers per second.
 */
public final class ServeBenchmark {
  private static final int IMAGES = 64;

  /** One measured path: latencies in ms and answers per second. */
  public record Figures(
      String path, int clients, int answers, double p50, double p99, double perSecond) {}

  private final byte[] blob;
  private final PreprocessSpec spec;
  private final List<byte[]> images = new ArrayList<>();

  public ServeBenchmark(byte[] blob) {
    this.blob = blob;
    try (Embedder embedder = Embedder.load(blob)) {
      this.spec = embedder.input();
    }
    SyntheticFaces faces = new SyntheticFaces(7, Math.max(spec.size(), 96));
    for (int i = 0; i < IMAGES; i++) {
      images.add(faces.encoded(i % 16, i / 16, ImageFormat.PNG));
    }
  }

  /** A freshly initialised model (timing does not depend on the weights). */
  public static byte[] freshModel(Backbone backbone, int dim, PreprocessSpec spec, boolean flip) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block net = backbone.create(dim, spec.size());
      net.initialize(
          manager, DataType.FLOAT32, new Shape(1, spec.channels(), spec.size(), spec.size()));
      return ModelBlob.write(backbone, dim, spec, flip, net);
    }
  }

  /** Decode, preprocess and embed, one image at a time, on this thread, for {@code seconds}. */
  public Figures bare(double seconds) throws Exception {
    ImageDecoder decoder = new ImageDecoder(spec, 1L << 26, 1 << 26);
    List<Double> latencies = new ArrayList<>();
    try (Embedder embedder = Embedder.load(blob)) {
      for (int i = 0; i < 8; i++) {
        embedder.embed(decoder.networkInput(images.get(i), ImageFormat.PNG), 1);
      }
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      for (int i = 0; System.nanoTime() < end; i++) {
        long t0 = System.nanoTime();
        embedder.embed(decoder.networkInput(images.get(i % IMAGES), ImageFormat.PNG), 1);
        latencies.add((System.nanoTime() - t0) / 1e6);
      }
      return figures("bare embedder", 1, latencies, (System.nanoTime() - start) / 1e9);
    }
  }

  /** POST /v1/embed from {@code clients} threads for {@code seconds}; every answer must be 200. */
  public Figures service(int clients, double seconds) throws Exception {
    Path file = Files.createTempFile("f2c-bench-serve-", ".f2cm");
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (Recognizer recognizer =
            Recognizer.ofModelFile(Files.write(file, blob), RecognizerSettings.DEFAULTS);
        FaceServer server = FaceServer.start(recognizer, ServerSettings.loopback())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<HttpRequest> requests = new ArrayList<>();
      for (byte[] image : images) {
        JsonObject body = new JsonObject();
        body.addProperty("image", Base64.getEncoder().encodeToString(image));
        requests.add(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/embed"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
      }
      for (int i = 0; i < 8; i++) {
        send(http, requests.get(i));
      }
      List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int offset = c;
        running.add(
            pool.submit(
                () -> {
                  for (int i = offset; System.nanoTime() < end; i += clients) {
                    long t0 = System.nanoTime();
                    send(http, requests.get(i % IMAGES));
                    latencies.add((System.nanoTime() - t0) / 1e6);
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      return figures("HTTP /v1/embed", clients, latencies, (System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
      Files.deleteIfExists(file);
    }
  }

  private static void send(HttpClient http, HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200
        || !JsonParser.parseString(response.body()).getAsJsonObject().has("embedding")) {
      throw new IllegalStateException(
          "the service answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static Figures figures(String path, int clients, List<Double> latencies, double seconds) {
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new Figures(
        path,
        clients,
        sorted.size(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.size() / seconds);
  }

  private static double percentile(List<Double> sorted, double p) {
    return sorted.isEmpty()
        ? Double.NaN
        : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }
}
