package io.f2c.recognition;

import static io.f2c.testing.ServiceFixtures.blob;
import static io.f2c.testing.ServiceFixtures.face;
import static io.f2c.testing.ServiceFixtures.release;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;
import io.f2c.subscribing.ModelFiles;
import io.f2c.subscribing.ModelSubscriber;
import io.f2c.testing.ServiceFixtures;
import io.f2c.testing.ServiceFixtures.Offline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recognizer with small real models (random weights, fixed seeds) on synthetic faces. */
class RecognizerTest {
  private static byte[] v1;
  private static byte[] v2;
  private static Offline offline1;
  private static Offline offline2;

  private static final List<EncodedImage> ALICE = List.of(face(0, 0), face(0, 1), face(0, 2));
  private static final List<EncodedImage> BOB = List.of(face(1, 0), face(1, 1));
  private static final List<EncodedImage> CAROL = List.of(face(2, 0));

  @BeforeAll
  static void models() {
    v1 = blob(1);
    v2 = blob(2);
    offline1 = new Offline(v1);
    offline2 = new Offline(v2);
  }

  @AfterAll
  static void closeModels() {
    offline1.close();
    offline2.close();
  }

  private static Recognizer withV1(Float threshold) {
    Recognizer r = new Recognizer(RecognizerSettings.DEFAULTS.withFallbackThreshold(0.6));
    r.install(release(1, v1, threshold));
    return r;
  }

  @Test
  void enrolsIdentifiesAndVerifiesAsTheModelComputes() {
    try (Recognizer r = withV1(0.75f)) {
      assertEquals(new EnrollAnswer("alice", 3, new ModelRef("f2c", 1)), r.enroll("alice", ALICE));
      assertEquals(2, r.enroll("bob", BOB).images());
      assertEquals(1, r.enroll("carol", CAROL).images());
      assertEquals(3, r.enroll("bob", List.of(face(1, 2))).images(), "images are added");

      // Template: the normalised mean of the identity's embeddings by this version.
      assertArrayEquals(offline1.template(ALICE), r.template("alice"), 1e-5f);
      assertArrayEquals(offline1.embed(face(0, 3)), r.embed(face(0, 3)).embedding(), 1e-6f);

      VerifyAnswer toAlice = r.verify(face(0, 3), "alice");
      assertEquals(
          Offline.cosine(offline1.embed(face(0, 3)), offline1.template(ALICE)),
          toAlice.score(),
          1e-5);
      assertEquals(new Threshold(0.75, Threshold.Source.MODEL), toAlice.threshold());
      assertEquals(toAlice.score() >= 0.75, toAlice.same());
      assertEquals(new ModelRef("f2c", 1), toAlice.model());

      VerifyAnswer pair = r.verify(face(0, 3), face(1, 3));
      assertEquals(
          Offline.cosine(offline1.embed(face(0, 3)), offline1.embed(face(1, 3))),
          pair.score(),
          1e-5);
      assertEquals(1.0, r.verify(face(2, 1), face(2, 1)).score(), 1e-5, "a face and itself");

      // Carol's template is her one image: that image identifies her with score 1.
      IdentifyAnswer carol = r.identify(face(2, 0), 2);
      assertEquals(2, carol.matches().size());
      assertEquals("carol", carol.matches().get(0).identity());
      assertEquals(1.0, carol.matches().get(0).score(), 1e-5);
      assertTrue(carol.matches().get(0).score() >= carol.matches().get(1).score());
      assertTrue(carol.recognized());
      assertEquals(3, r.identify(face(2, 0), 10).matches().size(), "at most every identity");

      ModelStatus status = r.status().orElseThrow();
      assertEquals(3, status.identities());
      assertEquals(7, status.enrolledImages());
      assertEquals("small-cnn", status.architecture());
      assertEquals(ServiceFixtures.SPEC, status.input());
      assertTrue(status.testTimeFlip());
    }
  }

  @Test
  void aVersionWithoutThresholdUsesTheConfiguredOneAndSaysSo() {
    try (Recognizer r = withV1(null)) {
      assertEquals(
          new Threshold(0.6, Threshold.Source.CONFIGURED),
          r.verify(face(0, 0), face(0, 1)).threshold());
      assertEquals("configured", r.status().orElseThrow().threshold().sourceName());
    }
  }

  @Test
  void aNewVersionReembedsTheGalleryBeforeItAnswers() {
    try (Recognizer r = withV1(0.5f)) {
      r.enroll("alice", ALICE);
      r.enroll("bob", BOB);
      LoadedModel first = r.currentModel();
      r.install(release(2, v2, 0.4f));

      assertTrue(first.closed(), "v1's embedder is closed: no request used it");
      assertArrayEquals(offline2.template(ALICE), r.template("alice"), 1e-5f);
      assertArrayEquals(offline2.template(BOB), r.template("bob"), 1e-5f);
      assertFalse(close(offline1.template(ALICE), offline2.template(ALICE)), "v2 differs");
      VerifyAnswer answer = r.verify(face(1, 3), "bob");
      assertEquals(new ModelRef("f2c", 2), answer.model());
      assertEquals(new Threshold(0.4, Threshold.Source.MODEL), answer.threshold());
      assertEquals(
          Offline.cosine(offline2.embed(face(1, 3)), offline2.template(BOB)), answer.score(), 1e-5);
      assertEquals(2, r.status().orElseThrow().model().version());
    }
  }

  @Test
  void enrolmentsDuringTheReembeddingAreEmbeddedByTheNewVersion() {
    try (Recognizer r = withV1(0.5f)) {
      r.enroll("alice", ALICE.subList(0, 2));
      // While v2 re-embeds the gallery, v1 still answers: these enrolments land in v1's gallery
      // and must reach v2's.
      r.afterReembed(
          () -> {
            assertEquals(1, r.enroll("alice", ALICE.subList(2, 3)).model().version());
            assertEquals(1, r.enroll("bob", BOB).model().version());
          });
      r.install(release(2, v2, 0.5f));
      assertArrayEquals(offline2.template(ALICE), r.template("alice"), 1e-5f);
      assertArrayEquals(offline2.template(BOB), r.template("bob"), 1e-5f);
      assertEquals(5, r.status().orElseThrow().enrolledImages());
    }
  }

  @Test
  void aModelInUseIsClosedOnlyWhenItsLastRequestEnds() {
    try (Recognizer r = withV1(0.5f)) {
      LoadedModel first = r.currentModel();
      assertTrue(first.retain()); // as a request in flight does
      r.install(release(2, v2, 0.5f));
      assertFalse(first.closed(), "a request still uses v1");
      first.embed(List.of(face(0, 0))); // and can finish on it
      first.release();
      assertTrue(first.closed());
    }
  }

  @Test
  void refusalsSayWhatWasWrong() {
    try (Recognizer empty = new Recognizer(RecognizerSettings.DEFAULTS)) {
      assertEquals(kindOf(() -> empty.embed(face(0, 0))), RecognitionException.Kind.NO_MODEL);
    }
    RecognizerSettings small =
        RecognizerSettings.DEFAULTS
            .withImageLimits(40 * 40, 1 << 20)
            .withEnrolmentLimits(3, 4, 1 << 20);
    try (Recognizer r = new Recognizer(small)) {
      r.install(release(1, v1, null));
      RecognitionException unknown =
          assertThrows(RecognitionException.class, () -> r.verify(face(0, 0), "nobody"));
      assertEquals(RecognitionException.Kind.UNKNOWN_IDENTITY, unknown.kind());
      assertTrue(unknown.getMessage().contains("'nobody'"), unknown.getMessage());

      RecognitionException tooLarge =
          assertThrows(RecognitionException.class, () -> r.embed(face(0, 0))); // 48x48 > 40x40
      assertEquals(RejectReason.IMAGE_TOO_LARGE, tooLarge.rejectReason());

      byte[] corrupt = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
      RecognitionException bad =
          assertThrows(
              RecognitionException.class,
              () -> r.enroll("x", List.of(face(0, 0), new EncodedImage(corrupt, ImageFormat.PNG))));
      assertEquals(RecognitionException.Kind.BAD_IMAGE, bad.kind());
      assertEquals(0, bad.imageIndex(), "the first bad image: too large");
      assertEquals(0, r.status().orElseThrow().enrolledImages(), "nothing was added");

      RecognizerSettings roomy = small.withImageLimits(1 << 20, 1 << 20);
      try (Recognizer s = new Recognizer(roomy)) {
        s.install(release(1, v1, null));
        RecognitionException corruptOne =
            assertThrows(
                RecognitionException.class,
                () ->
                    s.enroll("x", List.of(face(0, 0), new EncodedImage(corrupt, ImageFormat.PNG))));
        assertEquals(1, corruptOne.imageIndex());
        assertEquals(RejectReason.CORRUPT_IMAGE, corruptOne.rejectReason());

        s.enroll("alice", ALICE);
        RecognitionException perIdentity =
            assertThrows(RecognitionException.class, () -> s.enroll("alice", CAROL));
        assertEquals(RecognitionException.Kind.GALLERY_FULL, perIdentity.kind());
        assertTrue(perIdentity.getMessage().contains("limit of 3 per identity"));
        s.enroll("carol", CAROL);
        RecognitionException total =
            assertThrows(RecognitionException.class, () -> s.enroll("bob", BOB));
        assertTrue(total.getMessage().contains("exceed the limit of 4"), total.getMessage());
        assertEquals(4, s.status().orElseThrow().enrolledImages());
      }
      assertEquals(
          RecognitionException.Kind.INVALID_ARGUMENT, kindOf(() -> r.identify(face(0, 0), 0)));
      assertEquals(RecognitionException.Kind.INVALID_ARGUMENT, kindOf(() -> r.enroll(" ", ALICE)));
    }
    assertEquals(
        RejectReason.UNSUPPORTED_FORMAT,
        assertThrows(RecognitionException.class, () -> EncodedImage.sniff(new byte[] {1, 2, 3}, 0))
            .rejectReason());
  }

  @Test
  void aModelFileIsServedWithItsSavedThresholdOrTheConfiguredOne(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("f2c-v7.f2cm");
    Files.write(file, v1);
    RecognizerSettings settings = RecognizerSettings.DEFAULTS.withFallbackThreshold(0.3);
    try (Recognizer r = Recognizer.ofModelFile(file, settings)) {
      VerifyAnswer a = r.verify(face(0, 0), face(0, 1));
      assertEquals(new ModelRef("f2c", 7), a.model());
      assertEquals(new Threshold(0.3, Threshold.Source.CONFIGURED), a.threshold());
    }
    // Saved by subscribe --save from a version with a threshold: the file's own threshold is used.
    Path saved =
        ModelFiles.save(
            tmp.resolve("saved"),
            new ModelSubscriber.ModelVersion(
                "f2c",
                8,
                80,
                Instant.EPOCH,
                "small-cnn",
                0,
                null,
                false,
                null,
                "sha",
                v1,
                0,
                0.42f));
    try (Recognizer r = Recognizer.ofModelFile(saved, settings)) {
      Threshold own = r.verify(face(0, 0), face(0, 1)).threshold();
      assertEquals(Threshold.Source.MODEL, own.source());
      assertEquals(0.42, own.value(), 1e-6);
    }
    Path broken = tmp.resolve("broken.f2cm");
    Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Recognizer.ofModelFile(broken, settings));
    assertTrue(e.getMessage().contains("not an F2C model"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Recognizer.ofModelFile(tmp.resolve("missing.f2cm"), settings));
  }

  private static RecognitionException.Kind kindOf(Runnable call) {
    return assertThrows(RecognitionException.class, call::run).kind();
  }

  private static boolean close(float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > 1e-3) {
        return false;
      }
    }
    return true;
  }
}
