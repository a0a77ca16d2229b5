package io.f2c.cli.produce;

import io.f2c.preprocess.ImageDecoder;
import io.f2c.schema.FaceImage;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A stream of {@link FaceImage} records to send to Kafka: a folder in one-folder-per-identity
 * layout, or synthetic identities. Each pass visits every image once in a seeded random order; a
 * looping source starts a new pass.
 */
public final class FaceSource implements Iterator<FaceImage> {
  private final List<Item> items;
  private final boolean loop;
  private final Random random;
  private final String sourceName;
  private List<Item> pass = List.of();
  private int position;

  /** One image to emit; {@code bytes} are read or rendered only when emitted. */
  private record Item(String identityId, String imageId, ImageFormat format, ItemBytes bytes) {}

  @FunctionalInterface
  private interface ItemBytes {
    byte[] load();
  }

  private FaceSource(List<Item> items, boolean loop, long seed, String sourceName) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no images to send");
    }
    this.items = items;
    this.loop = loop;
    this.random = new Random(seed);
    this.sourceName = sourceName;
  }

  /** Synthetic identities {@code syn-00000..}, {@code imagesEach} PNG images each. */
  public static FaceSource synthetic(
      SyntheticFaces faces, int identities, int imagesEach, boolean loop, long seed) {
    List<Item> items = new ArrayList<>(identities * imagesEach);
    for (int id = 0; id < identities; id++) {
      for (int img = 0; img < imagesEach; img++) {
        int identity = id;
        int image = img;
        items.add(
            new Item(
                SyntheticFaces.identityId(id),
                SyntheticFaces.imageId(id, img),
                ImageFormat.PNG,
                () -> faces.encoded(identity, image, ImageFormat.PNG)));
      }
    }
    return new FaceSource(items, loop, seed, "synthetic");
  }

  /**
   * Every image file under {@code dir/<identity>/} (jpg, jpeg, png, pgm).
   *
   * @throws IllegalArgumentException naming the folder when it is missing or holds no images in
   *     that layout
   */
  public static FaceSource folder(Path dir, boolean loop, long seed) {
    return folder(dir, loop, seed, identity -> true);
  }

  /** As {@link #folder(Path, boolean, long)}, with only the identities {@code include} accepts. */
  public static FaceSource folder(Path dir, boolean loop, long seed, Predicate<String> include) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "image folder " + dir + " does not exist (expected DIR/<identity>/<image>)");
    }
    List<Item> items = new ArrayList<>();
    try (Stream<Path> identities = Files.list(dir)) {
      for (Path identityDir : identities.filter(Files::isDirectory).sorted().toList()) {
        String identity = identityDir.getFileName().toString();
        if (!include.test(identity)) {
          continue;
        }
        try (Stream<Path> files = Files.list(identityDir)) {
          for (Path file :
              files.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
            ImageFormat format = ImageDecoder.formatOf(file);
            if (format != null) {
              items.add(fileItem(identity, file, format));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(
          "no .jpg, .png or .pgm images found in sub-folders of "
              + dir
              + " (expected one folder per identity)");
    }
    return new FaceSource(items, loop, seed, dir.toString());
  }

  /**
   * The given image files, each of the identity its parent folder names ({@code
   * <identity>/<image>}), under the source name {@code sourceName}.
   */
  public static FaceSource files(List<Path> files, boolean loop, long seed, String sourceName) {
    List<Item> items = new ArrayList<>(files.size());
    for (Path file : files) {
      ImageFormat format = ImageDecoder.formatOf(file);
      if (format == null) {
        throw new IllegalArgumentException(file + " is no .jpg, .png or .pgm image");
      }
      items.add(fileItem(file.getParent().getFileName().toString(), file, format));
    }
    return new FaceSource(items, loop, seed, sourceName);
  }

  private static Item fileItem(String identity, Path file, ImageFormat format) {
    return new Item(identity, identity + "/" + file.getFileName(), format, () -> read(file));
  }

  /** Number of images in one pass. */
  public int size() {
    return items.size();
  }

  @Override
  public boolean hasNext() {
    return position < pass.size() || loop || pass.isEmpty();
  }

  @Override
  public FaceImage next() {
    if (position >= pass.size()) {
      if (!pass.isEmpty() && !loop) {
        throw new NoSuchElementException();
      }
      List<Item> shuffled = new ArrayList<>(items);
      Collections.shuffle(shuffled, random);
      pass = shuffled;
      position = 0;
    }
    Item item = pass.get(position++);
    return FaceImage.newBuilder()
        .setIdentityId(item.identityId())
        .setImageId(item.imageId())
        .setImage(ByteBuffer.wrap(item.bytes().load()))
        .setFormat(item.format())
        .setEventTime(Instant.now())
        .setSource(sourceName)
        .build();
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
