package io.f2c.cli.study;

import io.f2c.eval.ImagePair;
import io.f2c.preprocess.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A folder of faces (one sub-folder per identity) cut into phases of disjoint identities, as a
 * stream brings people in waves. Identities are dealt to the phases in a seeded random order. Of
 * every identity with at least {@value #HELD_OUT_PER_IDENTITY} + 1 images, {@value
 * #HELD_OUT_PER_IDENTITY} images are held out of training: they make the phase's verification
 * pairs, one same-identity pair per such identity and one different-identity pair with the next
 * such identity. So a phase's accuracy asks whether the model recognises, on photos it never
 * trained on, people whose other photos it did train on.
 */
public final class ContinualPhases {
  static final int HELD_OUT_PER_IDENTITY = 2;

  /** Cross-validation folds of a phase's pairs, at most. */
  private static final int FOLDS = 5;

  /** One phase: its identities, the images the stream sends, and its held-out pairs. */
  public record Phase(
      int index, List<String> identities, List<Path> trainImages, List<ImagePair> pairs) {
    /** The held-out image files, each once. */
    public List<Path> heldOutImages() {
      return pairs.stream().flatMap(p -> Stream.of(p.a(), p.b())).distinct().toList();
    }
  }

  private ContinualPhases() {}

  /**
   * @throws IllegalArgumentException when the folder has no images in that layout, or a phase would
   *     have fewer than two identities with enough images to hold out
   */
  public static List<Phase> split(Path dir, int phases, long seed) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "image folder " + dir + " does not exist (expected DIR/<identity>/<image>)");
    }
    List<Path> identities;
    try (Stream<Path> list = Files.list(dir)) {
      identities = new ArrayList<>(list.filter(Files::isDirectory).sorted().toList());
    }
    Random random = new Random(seed);
    Collections.shuffle(identities, random);
    List<List<Path>> dealt = new ArrayList<>();
    for (int p = 0; p < phases; p++) {
      dealt.add(new ArrayList<>());
    }
    for (int i = 0; i < identities.size(); i++) {
      dealt.get(i % phases).add(identities.get(i));
    }
    List<Phase> result = new ArrayList<>();
    for (int p = 0; p < phases; p++) {
      result.add(phase(p, dealt.get(p), random));
    }
    return result;
  }

  private static Phase phase(int index, List<Path> identityDirs, Random random) throws IOException {
    List<String> names = new ArrayList<>();
    List<Path> train = new ArrayList<>();
    List<Path[]> heldOut = new ArrayList<>();
    for (Path identityDir : identityDirs) {
      List<Path> images = new ArrayList<>(images(identityDir));
      if (images.isEmpty()) {
        continue;
      }
      names.add(identityDir.getFileName().toString());
      if (images.size() > HELD_OUT_PER_IDENTITY) {
        Collections.shuffle(images, random);
        int split = images.size() - HELD_OUT_PER_IDENTITY;
        heldOut.add(images.subList(split, images.size()).toArray(Path[]::new));
        train.addAll(images.subList(0, split));
      } else {
        train.addAll(images);
      }
    }
    if (heldOut.size() < 2) {
      throw new IllegalArgumentException(
          "phase "
              + (index + 1)
              + " has "
              + heldOut.size()
              + " identities with "
              + (HELD_OUT_PER_IDENTITY + 1)
              + " or more images; it needs 2 to make pairs: give fewer --phases or more images");
    }
    int folds = Math.min(FOLDS, heldOut.size());
    List<ImagePair> pairs = new ArrayList<>();
    for (int i = 0; i < heldOut.size(); i++) {
      Path[] own = heldOut.get(i);
      Path[] next = heldOut.get((i + 1) % heldOut.size());
      pairs.add(new ImagePair(own[0], own[1], true, i % folds));
      pairs.add(new ImagePair(own[0], next[1], false, i % folds));
    }
    return new Phase(index, List.copyOf(names), List.copyOf(train), List.copyOf(pairs));
  }

  private static List<Path> images(Path identityDir) throws IOException {
    try (Stream<Path> files = Files.list(identityDir)) {
      return files
          .filter(f -> Files.isRegularFile(f) && ImageDecoder.formatOf(f) != null)
          .sorted()
          .toList();
    }
  }
}
