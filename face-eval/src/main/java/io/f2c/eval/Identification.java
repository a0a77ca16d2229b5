package io.f2c.eval;

import io.f2c.model.FaceEmbedding;
import io.f2c.preprocess.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rank-1 identification on a one-folder-per-identity set, split per identity: the first half of its
 * images (in natural order: "2.pgm" before "10.pgm") is the gallery, the rest are probes.
 */
public record Identification(
    List<Path> gallery, String[] galleryLabels, List<Path> probes, String[] probeLabels) {

  /**
   * @throws IllegalArgumentException when the folder is missing or no identity has two images
   */
  public static Identification split(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--identify folder " + dir + " does not exist");
    }
    List<Path> gallery = new ArrayList<>();
    List<String> galleryLabels = new ArrayList<>();
    List<Path> probes = new ArrayList<>();
    List<String> probeLabels = new ArrayList<>();
    List<Path> identities;
    try (Stream<Path> list = Files.list(dir)) {
      identities = list.filter(Files::isDirectory).sorted().toList();
    }
    for (Path identity : identities) {
      List<Path> images;
      try (Stream<Path> list = Files.list(identity)) {
        images =
            list.filter(f -> ImageDecoder.formatOf(f) != null)
                .sorted(Identification::naturalOrder)
                .toList();
      }
      int half = Math.max(1, images.size() / 2);
      for (int i = 0; i < images.size(); i++) {
        (i < half ? gallery : probes).add(images.get(i));
        (i < half ? galleryLabels : probeLabels).add(identity.getFileName().toString());
      }
    }
    if (probes.isEmpty()) {
      throw new IllegalArgumentException(
          "--identify " + dir + " has no identity with two or more images");
    }
    return new Identification(
        gallery, galleryLabels.toArray(String[]::new), probes, probeLabels.toArray(String[]::new));
  }

  /** Share of probes whose most similar gallery image shows the same identity. */
  public double rank1(FaceEmbedding embedding) throws IOException {
    ImageEmbeddings embeddings =
        ImageEmbeddings.of(Stream.concat(gallery.stream(), probes.stream()).toList(), embedding);
    return Verification.rank1(
        embeddings.rowsOf(gallery),
        galleryLabels,
        embeddings.rowsOf(probes),
        probeLabels,
        embeddings.dim());
  }

  /** "2.pgm" before "10.pgm". */
  private static int naturalOrder(Path a, Path b) {
    String x = a.getFileName().toString();
    String y = b.getFileName().toString();
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }
}
