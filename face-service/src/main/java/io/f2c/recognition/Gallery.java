package io.f2c.recognition;

import io.f2c.recognition.RecognitionException.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The enrolled identities of one model version, immutable: an enrolment makes a new gallery, so a
 * request keeps the gallery it started with. Each identity keeps its encoded images (for the next
 * version to embed again), their embeddings by this version, and its template. Images are only ever
 * appended to an identity, which lets a swap tell what was enrolled while it re-embedded.
 */
final class Gallery {
  static final int MAX_IDENTITY_LENGTH = 256;
  static final Gallery EMPTY = new Gallery(Map.of(), 0, 0);

  /**
   * One identity: its images, their embeddings [n, dim] and the template (the L2-normalised mean of
   * the embeddings).
   */
  record Enrolled(
      String identity, List<EncodedImage> images, float[] embeddings, float[] template) {
    static Enrolled of(String identity, List<EncodedImage> images, float[] embeddings, int dim) {
      return new Enrolled(
          identity, List.copyOf(images), embeddings, Vectors.normalisedMean(embeddings, dim));
    }

    /** This identity with {@code more} images appended, their embeddings {@code moreEmbeddings}. */
    Enrolled plus(List<EncodedImage> more, float[] moreEmbeddings, int dim) {
      List<EncodedImage> all = new ArrayList<>(images);
      all.addAll(more);
      float[] rows = new float[embeddings.length + moreEmbeddings.length];
      System.arraycopy(embeddings, 0, rows, 0, embeddings.length);
      System.arraycopy(moreEmbeddings, 0, rows, embeddings.length, moreEmbeddings.length);
      return of(identity, all, rows, dim);
    }

    long bytes() {
      return images.stream().mapToLong(i -> i.bytes().length).sum();
    }
  }

  private final Map<String, Enrolled> identities;
  private final int imageCount;
  private final long byteCount;

  private Gallery(Map<String, Enrolled> identities, int imageCount, long byteCount) {
    this.identities = identities;
    this.imageCount = imageCount;
    this.byteCount = byteCount;
  }

  Enrolled get(String identity) {
    return identities.get(identity);
  }

  Collection<Enrolled> all() {
    return identities.values();
  }

  int identityCount() {
    return identities.size();
  }

  int imageCount() {
    return imageCount;
  }

  long byteCount() {
    return byteCount;
  }

  /** This gallery with {@code enrolled} replacing the identity of its name. */
  Gallery with(Enrolled enrolled) {
    Map<String, Enrolled> next = new LinkedHashMap<>(identities);
    Enrolled before = next.put(enrolled.identity(), enrolled);
    int images =
        imageCount + enrolled.images().size() - (before == null ? 0 : before.images().size());
    long bytes = byteCount + enrolled.bytes() - (before == null ? 0 : before.bytes());
    return new Gallery(Collections.unmodifiableMap(next), images, bytes);
  }

  /** Every identity's images embedded by {@code model}: the gallery of a new version. */
  Gallery reembed(LoadedModel model) {
    Map<String, Enrolled> next = new LinkedHashMap<>();
    for (Enrolled e : identities.values()) {
      next.put(
          e.identity(),
          Enrolled.of(e.identity(), e.images(), model.embed(e.images()), model.dim()));
    }
    return new Gallery(Collections.unmodifiableMap(next), imageCount, byteCount);
  }

  /**
   * {@code this} (the gallery {@code snapshot} re-embedded by {@code model}) brought up to {@code
   * latest}: images enrolled after the snapshot was taken are embedded by {@code model} and added.
   */
  Gallery catchUp(Gallery snapshot, Gallery latest, LoadedModel model) {
    Gallery next = this;
    for (Enrolled now : latest.all()) {
      Enrolled then = snapshot.get(now.identity());
      if (now == then) {
        continue; // unchanged since the snapshot
      }
      int known = then == null ? 0 : then.images().size();
      List<EncodedImage> added = now.images().subList(known, now.images().size());
      Enrolled base = next.get(now.identity());
      float[] embedded = model.embed(added);
      next =
          next.with(
              base == null
                  ? Enrolled.of(now.identity(), added, embedded, model.dim())
                  : base.plus(added, embedded, model.dim()));
    }
    return next;
  }

  /**
   * @throws RecognitionException GALLERY_FULL naming the bound that adding {@code images} to {@code
   *     identity} would exceed
   */
  void checkRoom(String identity, List<EncodedImage> images, RecognizerSettings settings) {
    Enrolled before = identities.get(identity);
    int has = before == null ? 0 : before.images().size();
    long bytes = images.stream().mapToLong(i -> i.bytes().length).sum();
    if (has + images.size() > settings.maxImagesPerIdentity()) {
      throw new RecognitionException(
          Kind.GALLERY_FULL,
          String.format(
              "identity '%s' has %d images; %d more would exceed the limit of %d per identity",
              identity, has, images.size(), settings.maxImagesPerIdentity()));
    }
    if (imageCount + images.size() > settings.maxEnrolledImages()) {
      throw new RecognitionException(
          Kind.GALLERY_FULL,
          String.format(
              "the gallery keeps %d images; %d more would exceed the limit of %d",
              imageCount, images.size(), settings.maxEnrolledImages()));
    }
    if (byteCount + bytes > settings.maxEnrolledBytes()) {
      throw new RecognitionException(
          Kind.GALLERY_FULL,
          String.format(
              "the gallery keeps %d bytes of images; %d more would exceed the limit of %d",
              byteCount, bytes, settings.maxEnrolledBytes()));
    }
  }

  /**
   * @throws RecognitionException INVALID_ARGUMENT for a blank or over-long name
   */
  static void checkIdentity(String identity) {
    if (identity == null || identity.isBlank()) {
      throw new RecognitionException(Kind.INVALID_ARGUMENT, "identity is missing or blank");
    }
    if (identity.length() > MAX_IDENTITY_LENGTH) {
      throw new RecognitionException(
          Kind.INVALID_ARGUMENT, "identity is longer than " + MAX_IDENTITY_LENGTH + " characters");
    }
  }
}
