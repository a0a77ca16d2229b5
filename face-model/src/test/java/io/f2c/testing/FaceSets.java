package io.f2c.testing;

import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.ImageFormat;
import io.f2c.synthetic.SyntheticFaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/** Labelled, preprocessed face sets for training tests, and how well embeddings separate them. */
public final class FaceSets {
  private FaceSets() {}

  /**
   * Synthetic identities [first, first + count), images [0, imagesEach), preprocessed by {@code
   * spec}.
   */
  public static Map<String, List<float[]>> synthetic(
      long seed, int first, int count, int imagesEach, PreprocessSpec spec) {
    SyntheticFaces faces = new SyntheticFaces(seed, spec.size());
    ImageDecoder decoder = new ImageDecoder(spec, 1 << 24, 1 << 24);
    Map<String, List<float[]>> set = new LinkedHashMap<>();
    for (int id = first; id < first + count; id++) {
      List<float[]> images = new ArrayList<>();
      for (int img = 0; img < imagesEach; img++) {
        images.add(decode(decoder, faces.encoded(id, img, ImageFormat.PNG), ImageFormat.PNG));
      }
      set.put(SyntheticFaces.identityId(id), images);
    }
    return set;
  }

  /** A one-folder-per-identity tree; {@code keep(identity, fileName)} selects the images. */
  public static Map<String, List<float[]>> folder(
      Path root, PreprocessSpec spec, BiFunction<String, String, Boolean> keep) {
    ImageDecoder decoder = new ImageDecoder(spec, 1 << 24, 1 << 24);
    Map<String, List<float[]>> set = new LinkedHashMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        String identity = dir.getFileName().toString();
        List<float[]> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.sorted().toList()) {
            ImageFormat format = ImageDecoder.formatOf(file);
            if (format != null && keep.apply(identity, file.getFileName().toString())) {
              images.add(decode(decoder, Files.readAllBytes(file), format));
            }
          }
        }
        if (!images.isEmpty()) {
          set.put(identity, images);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return set;
  }

  /** Images and labels of a set, flattened in order. */
  public record Flat(float[] pixels, String[] labels) {}

  public static Flat flatten(Map<String, List<float[]>> set) {
    List<String> labels = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    set.forEach(
        (id, list) ->
            list.forEach(
                img -> {
                  labels.add(id);
                  images.add(img);
                }));
    int length = images.get(0).length;
    float[] pixels = new float[images.size() * length];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, pixels, i * length, length);
    }
    return new Flat(pixels, labels.toArray(new String[0]));
  }

  private static float[] decode(ImageDecoder decoder, byte[] bytes, ImageFormat format) {
    try {
      return decoder.decode(bytes, format);
    } catch (ImageRejectedException e) {
      throw new IllegalStateException(e);
    }
  }
}
