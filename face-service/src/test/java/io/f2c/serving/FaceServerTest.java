package io.f2c.serving;

import static io.f2c.testing.ServiceFixtures.png;
import static io.f2c.testing.ServiceFixtures.release;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.recognition.Recognizer;
import io.f2c.recognition.RecognizerSettings;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import io.f2c.testing.ServiceFixtures;
import io.f2c.testing.ServiceFixtures.Offline;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every endpoint over real HTTP on 127.0.0.1, its errors, and the OpenAPI document. */
class FaceServerTest {
  private static final long MAX_BODY = 256 * 1024;
  private static final RecognizerSettings SETTINGS =
      RecognizerSettings.DEFAULTS
          .withFallbackThreshold(0.6)
          .withImageLimits(64 * 64, 64 * 1024)
          .withEnrolmentLimits(4, 6, 1 << 20);
  private static byte[] v1;
  private static Offline offline;

  private Recognizer recognizer;
  private FaceServer server;
  private HttpJson http;

  @BeforeAll
  static void model() {
    v1 = ServiceFixtures.blob(1);
    offline = new Offline(v1);
  }

  @AfterAll
  static void closeModel() {
    offline.close();
  }

  @BeforeEach
  void start() {
    recognizer = new Recognizer(SETTINGS);
    recognizer.install(release(1, v1, 0.75f));
    server = FaceServer.start(recognizer, new ServerSettings("127.0.0.1", 0, MAX_BODY));
    http = new HttpJson(server.url());
  }

  @AfterEach
  void stop() {
    server.close();
    recognizer.close();
  }

  @Test
  void everyEndpointAnswersWithTheVersionItUsed() throws Exception {
    HttpJson.Reply health = http.get("/health");
    assertEquals(200, health.status());
    assertEquals("ok", health.json().get("status").getAsString());
    assertEquals(1, health.json().get("version").getAsLong());

    HttpJson.Reply model = http.get("/v1/model");
    assertEquals(200, model.status(), model.json().toString());
    JsonObject m = model.json();
    assertMatchesSchema(m, "Model");
    assertEquals("f2c", m.get("model").getAsString());
    assertEquals(1, m.get("version").getAsLong());
    assertEquals("small-cnn", m.get("architecture").getAsString());
    assertEquals(16, m.get("embeddingDim").getAsInt());
    assertEquals(32, m.getAsJsonObject("input").get("size").getAsInt());
    assertEquals(1.0, m.getAsJsonObject("input").get("cropFraction").getAsDouble());
    assertEquals(0.75, m.get("threshold").getAsDouble());
    assertEquals("model", m.get("thresholdSource").getAsString());
    assertEquals(1000, m.getAsJsonObject("metrics").get("imagesSeen").getAsLong());
    assertTrue(m.has("lagMs") && m.has("ageMs") && m.has("installedAt"), m.toString());

    HttpJson.Reply embed = http.post("/v1/embed", body("image", png(0, 0)));
    assertEquals(200, embed.status(), embed.json().toString());
    assertMatchesSchema(embed.json(), "EmbedResponse");
    assertArrayEquals(
        offline.embed(ServiceFixtures.face(0, 0)),
        floats(embed.json().getAsJsonArray("embedding")),
        1e-6f);

    JsonObject enroll = new JsonObject();
    enroll.addProperty("identity", "alice");
    JsonArray images = new JsonArray();
    images.add(HttpJson.base64(png(0, 0)));
    images.add("data:image/png;base64," + HttpJson.base64(png(0, 1)));
    enroll.add("images", images);
    HttpJson.Reply enrolled = http.post("/v1/enroll", enroll);
    assertEquals(200, enrolled.status(), enrolled.json().toString());
    assertMatchesSchema(enrolled.json(), "EnrollResponse");
    assertEquals(2, enrolled.json().get("images").getAsInt());
    assertEquals(1, enrolled.json().get("version").getAsLong());
    http.post("/v1/enroll", enrollBody("bob", png(1, 0)));

    JsonObject toAlice = body("image", png(0, 2));
    toAlice.addProperty("identity", "alice");
    HttpJson.Reply verified = http.post("/v1/verify", toAlice);
    assertEquals(200, verified.status(), verified.json().toString());
    assertMatchesSchema(verified.json(), "VerifyResponse");
    double expected =
        Offline.cosine(
            offline.embed(ServiceFixtures.face(0, 2)),
            offline.template(List.of(ServiceFixtures.face(0, 0), ServiceFixtures.face(0, 1))));
    assertEquals(expected, verified.json().get("score").getAsDouble(), 1e-5);
    assertEquals(expected >= 0.75, verified.json().get("same").getAsBoolean());
    assertEquals("model", verified.json().get("thresholdSource").getAsString());

    JsonObject pair = body("image_a", png(2, 0));
    pair.addProperty("image_b", HttpJson.base64(png(2, 0)));
    HttpJson.Reply same = http.post("/v1/verify", pair);
    assertEquals(1.0, same.json().get("score").getAsDouble(), 1e-5);
    assertTrue(same.json().get("same").getAsBoolean());

    JsonObject identify = body("image", png(1, 0));
    identify.addProperty("k", 2);
    HttpJson.Reply identified = http.post("/v1/identify", identify);
    assertEquals(200, identified.status(), identified.json().toString());
    assertMatchesSchema(identified.json(), "IdentifyResponse");
    JsonArray matches = identified.json().getAsJsonArray("matches");
    assertEquals(2, matches.size());
    assertMatchesSchema(matches.get(0).getAsJsonObject(), "Match");
    assertEquals("bob", matches.get(0).getAsJsonObject().get("identity").getAsString());
    assertEquals(1.0, matches.get(0).getAsJsonObject().get("score").getAsDouble(), 1e-5);
    assertTrue(identified.json().get("recognized").getAsBoolean());
  }

  @Test
  void errorsNameTheirReason() throws Exception {
    assertError(http.post("/v1/embed", "x".repeat((int) MAX_BODY + 10)), 413, "BODY_TOO_LARGE");
    byte[] big = SyntheticFaces.encode(new SyntheticFaces(1, 80).render(0, 0), ImageFormat.PNG);
    assertError(http.post("/v1/embed", body("image", big)), 413, "IMAGE_TOO_LARGE");

    byte[] corrupt = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0};
    JsonObject pair = body("image_a", png(0, 0));
    pair.addProperty("image_b", HttpJson.base64(corrupt));
    HttpJson.Reply bad = assertError(http.post("/v1/verify", pair), 422, "CORRUPT_IMAGE");
    assertEquals("image_b", bad.json().get("field").getAsString());
    assertError(
        http.post("/v1/embed", body("image", "GIF89a".getBytes(StandardCharsets.US_ASCII))),
        422,
        "UNSUPPORTED_FORMAT");
    assertError(http.post("/v1/embed", "{\"image\": \"***\"}"), 400, "BAD_REQUEST");
    assertError(http.post("/v1/embed", "not json"), 400, "BAD_REQUEST");
    HttpJson.Reply missing = assertError(http.post("/v1/embed", "{}"), 400, "BAD_REQUEST");
    assertEquals("image", missing.json().get("field").getAsString());
    JsonObject k0 = body("image", png(0, 0));
    k0.addProperty("k", 0);
    assertError(http.post("/v1/identify", k0), 400, "BAD_REQUEST");

    JsonObject nobody = body("image", png(0, 0));
    nobody.addProperty("identity", "nobody");
    assertError(http.post("/v1/verify", nobody), 404, "UNKNOWN_IDENTITY");
    assertError(http.get("/v2/nothing"), 404, "NOT_FOUND");
    assertError(http.get("/v1/embed"), 405, "METHOD_NOT_ALLOWED");

    assertEquals(
        200, http.post("/v1/enroll", enrollBody("a", png(0, 0), png(0, 1), png(0, 2))).status());
    HttpJson.Reply full =
        assertError(
            http.post("/v1/enroll", enrollBody("a", png(0, 3), png(0, 4))), 409, "GALLERY_FULL");
    assertTrue(full.json().get("error").getAsString().contains("per identity"));

    try (Recognizer empty = new Recognizer(SETTINGS);
        FaceServer noModel = FaceServer.start(empty, ServerSettings.loopback())) {
      HttpJson client = new HttpJson(noModel.url());
      HttpJson.Reply health = client.get("/health");
      assertEquals(503, health.status());
      assertMatchesSchema(health.json(), "Health");
      assertError(client.get("/v1/model"), 503, "NO_MODEL");
      assertError(client.post("/v1/embed", body("image", png(0, 0))), 503, "NO_MODEL");
    }
  }

  @Test
  void theOpenApiDocumentListsExactlyTheRoutesServed() throws Exception {
    JsonObject doc =
        JsonParser.parseString(new String(FaceServer.openApiDocument(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    assertTrue(doc.get("openapi").getAsString().startsWith("3."));
    Set<String> documented = new TreeSet<>();
    for (var path : doc.getAsJsonObject("paths").entrySet()) {
      for (String method : path.getValue().getAsJsonObject().keySet()) {
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }
    assertEquals(documented, new TreeSet<>(server.routes()));
    assertEquals(7, documented.size(), documented.toString());
    assertEquals(doc, http.get("/openapi.json").json());
  }

  /** The keys of {@code json} are properties of the schema, and its required ones are there. */
  static void assertMatchesSchema(JsonObject json, String schema) {
    JsonObject doc =
        JsonParser.parseString(new String(FaceServer.openApiDocument(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    JsonObject s =
        doc.getAsJsonObject("components").getAsJsonObject("schemas").getAsJsonObject(schema);
    assertNotNull(s, "schema " + schema);
    Set<String> properties = s.getAsJsonObject("properties").keySet();
    for (String key : json.keySet()) {
      assertTrue(properties.contains(key), schema + " does not declare " + key + ": " + json);
    }
    if (s.has("required")) {
      for (JsonElement key : s.getAsJsonArray("required")) {
        assertTrue(json.has(key.getAsString()), schema + " requires " + key + ": " + json);
      }
    }
  }

  private static HttpJson.Reply assertError(HttpJson.Reply reply, int status, String reason) {
    assertEquals(status, reply.status(), String.valueOf(reply.json()));
    assertMatchesSchema(reply.json(), "Error");
    assertEquals(reason, reply.json().get("reason").getAsString(), reply.json().toString());
    assertFalse(reply.json().get("error").getAsString().isBlank());
    return reply;
  }

  static JsonObject body(String field, byte[] image) {
    JsonObject json = new JsonObject();
    json.addProperty(field, HttpJson.base64(image));
    return json;
  }

  static JsonObject enrollBody(String identity, byte[]... images) {
    JsonObject json = new JsonObject();
    json.addProperty("identity", identity);
    JsonArray array = new JsonArray();
    for (byte[] image : images) {
      array.add(HttpJson.base64(image));
    }
    json.add("images", array);
    return json;
  }

  private static float[] floats(JsonArray array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsFloat();
    }
    return out;
  }
}
