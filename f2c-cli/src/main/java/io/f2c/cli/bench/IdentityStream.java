package io.f2c.cli.bench;

import io.f2c.schema.FaceImage;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The identity-scale benchmark's stream, rendered as it is sent (a million identities are not held
 * in memory): first every identity's {@code imagesEach} images, identities arriving in blocks as a
 * growing stream brings them, then {@code extra} further images of identities already seen, for the
 * timed steps.
 */
final class IdentityStream implements Iterator<FaceImage> {
  /** Identities whose images arrive interleaved: a block's first images, then their second ... */
  static final int BLOCK = 1_000;

  private final SyntheticFaces faces;
  private final int identities;
  private final int imagesEach;
  private final long extra;
  private final SplittableRandom random;
  private long position;

  IdentityStream(SyntheticFaces faces, int identities, int imagesEach, long extra, long seed) {
    this.faces = faces;
    this.identities = identities;
    this.imagesEach = imagesEach;
    this.extra = extra;
    this.random = new SplittableRandom(seed);
  }

  /** Images before the extra ones: every identity's first {@code imagesEach}. */
  long fillImages() {
    return (long) identities * imagesEach;
  }

  @Override
  public boolean hasNext() {
    return position < fillImages() + extra;
  }

  @Override
  public FaceImage next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int identity;
    int image;
    if (position < fillImages()) {
      long blockStart = position / ((long) BLOCK * imagesEach) * BLOCK;
      int blockSize = (int) Math.min(BLOCK, identities - blockStart);
      long within = position - blockStart * imagesEach;
      identity = (int) (blockStart + within % blockSize);
      image = (int) (within / blockSize);
    } else {
      identity = random.nextInt(identities);
      image = imagesEach + random.nextInt(8);
    }
    position++;
    return FaceImage.newBuilder()
        .setIdentityId(SyntheticFaces.identityId(identity))
        .setImageId(SyntheticFaces.imageId(identity, image))
        .setImage(ByteBuffer.wrap(faces.encoded(identity, image, ImageFormat.PNG)))
        .setFormat(ImageFormat.PNG)
        .setEventTime(Instant.now())
        .setSource("bench-identities")
        .build();
  }
}
