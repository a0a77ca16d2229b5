package io.f2c.recognition;

import io.f2c.eval.Verification;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.recognition.RecognitionException.Kind;
import io.f2c.subscribing.ModelSubscriber;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Face recognition with the newest model version: embeds faces, enrols identities, verifies and
 * identifies faces against them. Thread-safe; every answer names the one version that computed it.
 *
 * <p>Versions come from the models topic ({@link #followingTopic}), a model file ({@link
 * #ofModelFile}) or the caller ({@link #install}, {@link #offer}). A new version is loaded and the
 * gallery's kept images are embedded again with it off the request path, while requests are still
 * answered by the current version; then model, gallery and threshold are replaced in one step (one
 * immutable {@code State}). Enrolments wait only for that last step, and those that came in while
 * the gallery was re-embedded are embedded by the new version before it goes live, so none is lost.
 * A request holds a reference to its version's model, which is closed only when the last request
 * using it is done.
 */
public final class Recognizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Recognizer.class);

  /** What a request reads: one version's model and its gallery, replaced as a whole. */
  private record State(LoadedModel model, Gallery gallery) {}

  private final RecognizerSettings settings;
  private final AtomicReference<State> current = new AtomicReference<>();

  /** Held by enrolments and by the last step of a swap: one gallery change at a time. */
  private final ReentrantLock mutations = new ReentrantLock();

  /** One swap at a time. */
  private final ReentrantLock installs = new ReentrantLock();

  private final AtomicReference<ModelRelease> pending = new AtomicReference<>();
  private final ExecutorService swapper;
  private final CountDownLatch firstModel = new CountDownLatch(1);
  private final AtomicLong failedInstalls = new AtomicLong();
  private volatile String lastFailure;
  private volatile ModelSubscriber subscriber;
  private volatile boolean closed;

  /** Runs between a swap's re-embedding and its last step (tests enrol there). */
  private volatile Runnable afterReembed = () -> {};

  /** A recognizer without a model yet: requests fail with NO_MODEL until one is installed. */
  public Recognizer(RecognizerSettings settings) {
    this.settings = settings;
    this.swapper =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "f2c-recognizer-swap");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Follows {@code topic} (read_committed, from the latest complete version on) and installs each
   * version of {@code modelName} (null: any) as it arrives.
   */
  public static Recognizer followingTopic(
      KafkaClientConfig kafka, String topic, String modelName, RecognizerSettings settings) {
    Recognizer recognizer = new Recognizer(settings);
    try {
      recognizer.subscriber =
          ModelSubscriber.start(
              kafka, topic, modelName, v -> recognizer.offer(ModelRelease.of(v, topic)));
    } catch (RuntimeException e) {
      recognizer.close();
      throw e;
    }
    return recognizer;
  }

  /**
   * Serves one model file; the threshold is the settings' fallback.
   *
   * @throws IllegalArgumentException when the file is missing or is no model
   */
  public static Recognizer ofModelFile(Path file, RecognizerSettings settings) throws IOException {
    Recognizer recognizer = new Recognizer(settings);
    try {
      recognizer.install(ModelRelease.ofFile(file));
    } catch (RuntimeException | IOException e) {
      recognizer.close();
      throw e;
    }
    return recognizer;
  }

  public RecognizerSettings settings() {
    return settings;
  }

  /**
   * Loads {@code release}, embeds the gallery again with it and swaps it in; returns once it
   * answers requests.
   *
   * @throws IllegalArgumentException when the blob is no model this code reads (nothing changes)
   */
  public void install(ModelRelease release) {
    installs.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the recognizer is closed");
      }
      long start = System.nanoTime();
      LoadedModel next = LoadedModel.load(release, settings);
      State old;
      try {
        State before = current.get();
        Gallery snapshot = before == null ? Gallery.EMPTY : before.gallery();
        // The slow part, while the current version keeps answering.
        Gallery reembedded = snapshot.reembed(next);
        afterReembed.run();
        mutations.lock();
        try {
          old = current.get();
          Gallery gallery =
              old == null ? reembedded : reembedded.catchUp(snapshot, old.gallery(), next);
          next.installed(Instant.now(), (System.nanoTime() - start) / 1_000_000);
          current.set(new State(next, gallery));
        } finally {
          mutations.unlock();
        }
      } catch (RuntimeException e) {
        next.release();
        throw e;
      }
      if (old != null) {
        old.model().release(); // closes its embedder once no request uses it
      }
      firstModel.countDown();
      LOG.info(
          "now answering with {} (threshold {} from the {}), {} identities re-embedded in {} ms",
          release,
          next.threshold().value(),
          next.threshold().sourceName(),
          current.get().gallery().identityCount(),
          next.reembedMillis());
    } finally {
      installs.unlock();
    }
  }

  /**
   * Installs {@code release} in the background (one at a time; of versions offered while one is
   * installed, only the newest is installed next). A version that fails to load is logged and
   * counted in {@link #failedInstalls}.
   */
  public void offer(ModelRelease release) {
    if (closed) {
      return;
    }
    pending.set(release);
    swapper.execute(this::installPending);
  }

  private void installPending() {
    ModelRelease release = pending.getAndSet(null);
    if (release == null || closed) {
      return;
    }
    try {
      install(release);
      lastFailure = null;
    } catch (RuntimeException e) {
      failedInstalls.incrementAndGet();
      lastFailure = release + " did not load: " + e.getMessage();
      LOG.warn("not installing {}: {}", release, e.toString(), e);
    }
  }

  /** Versions offered that could not be installed. */
  public long failedInstalls() {
    return failedInstalls.get();
  }

  /** Waits until a first version answers; whether one does. */
  public boolean awaitModel(Duration timeout) throws InterruptedException {
    return firstModel.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The version answering now and its gallery's size; empty before the first. */
  public Optional<ModelStatus> status() {
    State s = current.get();
    if (s == null) {
      return Optional.empty();
    }
    LoadedModel m = s.model();
    return Optional.of(
        new ModelStatus(
            m.ref(),
            m.modelRelease(),
            m.embedder().architecture().id(),
            m.dim(),
            m.input(),
            m.embedder().testTimeFlip(),
            m.threshold(),
            m.installedAt(),
            m.reembedMillis(),
            s.gallery().identityCount(),
            s.gallery().imageCount(),
            s.gallery().byteCount()));
  }

  /** The embedding of a face. */
  public EmbedAnswer embed(EncodedImage image) {
    State s = acquire();
    try {
      return new EmbedAnswer(s.model().ref(), s.model().embed(List.of(image)));
    } finally {
      s.model().release();
    }
  }

  /** Whether two faces show the same person (BAD_IMAGE names image 0 or 1). */
  public VerifyAnswer verify(EncodedImage a, EncodedImage b) {
    State s = acquire();
    try {
      LoadedModel m = s.model();
      float[] rows = m.embed(List.of(a, b));
      return verdict(m, Verification.cosine(rows, 0, rows, 1, m.dim()));
    } finally {
      s.model().release();
    }
  }

  /** Whether a face shows an enrolled identity (the cosine with its template). */
  public VerifyAnswer verify(EncodedImage image, String identity) {
    State s = acquire();
    try {
      Gallery.Enrolled enrolled = enrolled(s, identity);
      LoadedModel m = s.model();
      float[] probe = m.embed(List.of(image));
      return verdict(m, Verification.cosine(probe, 0, enrolled.template(), 0, m.dim()));
    } finally {
      s.model().release();
    }
  }

  /** The {@code k} enrolled identities most like a face, best first. */
  public IdentifyAnswer identify(EncodedImage image, int k) {
    if (k < 1) {
      throw new RecognitionException(Kind.INVALID_ARGUMENT, "k must be at least 1, was " + k);
    }
    State s = acquire();
    try {
      LoadedModel m = s.model();
      float[] probe = m.embed(List.of(image));
      PriorityQueue<IdentifyAnswer.Match> best =
          new PriorityQueue<>(Comparator.comparingDouble(IdentifyAnswer.Match::score));
      for (Gallery.Enrolled e : s.gallery().all()) {
        best.add(
            new IdentifyAnswer.Match(
                e.identity(), Verification.cosine(probe, 0, e.template(), 0, m.dim())));
        if (best.size() > k) {
          best.poll();
        }
      }
      List<IdentifyAnswer.Match> matches = new ArrayList<>(best);
      matches.sort(Comparator.comparingDouble(IdentifyAnswer.Match::score).reversed());
      boolean recognized = !matches.isEmpty() && matches.get(0).score() >= m.threshold().value();
      return new IdentifyAnswer(m.ref(), List.copyOf(matches), m.threshold(), recognized);
    } finally {
      s.model().release();
    }
  }

  /**
   * Adds {@code images} to {@code identity} (enrolling it when new). The images are kept, within
   * the settings' bounds, so that later versions embed them again.
   *
   * @throws RecognitionException GALLERY_FULL naming the bound, BAD_IMAGE naming the image (nothing
   *     is added then)
   */
  public EnrollAnswer enroll(String identity, List<EncodedImage> images) {
    Gallery.checkIdentity(identity);
    if (images == null || images.isEmpty()) {
      throw new RecognitionException(Kind.INVALID_ARGUMENT, "no images to enroll");
    }
    mutations.lock();
    try {
      State s = acquire(); // stays current while the lock is held: swaps take it too
      try {
        Gallery gallery = s.gallery();
        Gallery.Enrolled before = gallery.get(identity);
        gallery.checkRoom(identity, images, settings);
        LoadedModel m = s.model();
        float[] embedded = m.embed(images);
        Gallery.Enrolled after =
            before == null
                ? Gallery.Enrolled.of(identity, images, embedded, m.dim())
                : before.plus(images, embedded, m.dim());
        current.set(new State(m, gallery.with(after)));
        return new EnrollAnswer(identity, after.images().size(), m.ref());
      } finally {
        s.model().release();
      }
    } finally {
      mutations.unlock();
    }
  }

  private static Gallery.Enrolled enrolled(State s, String identity) {
    Gallery.checkIdentity(identity);
    Gallery.Enrolled enrolled = s.gallery().get(identity);
    if (enrolled == null) {
      throw new RecognitionException(
          Kind.UNKNOWN_IDENTITY, "no identity '" + identity + "' is enrolled");
    }
    return enrolled;
  }

  private static VerifyAnswer verdict(LoadedModel m, double score) {
    return new VerifyAnswer(m.ref(), score, m.threshold(), score >= m.threshold().value());
  }

  /** The current state with a reference to its model taken; the caller releases it. */
  private State acquire() {
    for (; ; ) {
      State s = current.get();
      if (s == null) {
        String why = lastFailure == null ? "" : " (last version offered: " + lastFailure + ")";
        throw new RecognitionException(Kind.NO_MODEL, "no model version is loaded yet" + why);
      }
      if (s.model().retain()) {
        return s;
      }
      // A swap closed that model between the read and the retain: the new state is current.
    }
  }

  void afterReembed(Runnable hook) {
    afterReembed = hook;
  }

  /** The template of {@code identity} in the current gallery (for tests). */
  float[] template(String identity) {
    return enrolled(current.get(), identity).template().clone();
  }

  /** The current version's model (for tests). */
  LoadedModel currentModel() {
    return current.get().model();
  }

  /** Stops following the topic and closes the model once no request uses it. */
  @Override
  public void close() {
    closed = true;
    ModelSubscriber following = subscriber;
    if (following != null) {
      try {
        following.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    swapper.shutdown();
    installs.lock();
    try {
      State last = current.getAndSet(null);
      if (last != null) {
        last.model().release();
      }
    } finally {
      installs.unlock();
    }
  }
}
