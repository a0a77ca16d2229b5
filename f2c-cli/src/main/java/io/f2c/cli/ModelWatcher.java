package io.f2c.cli;

import io.f2c.eval.Verification;
import io.f2c.kafka.client.KafkaClientConfig;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.ImageFormat;
import io.f2c.subscribing.ModelFiles;
import io.f2c.subscribing.ModelSubscriber;
import io.f2c.synthetic.SyntheticFaces;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The demo's built-in model subscriber: a {@link ModelSubscriber} that prints each new version with
 * its verification accuracy on held-out identities the producer never sends.
 */
final class ModelWatcher implements AutoCloseable {
  /** Held-out synthetic identities start here; the producer's are numbered from 0. */
  static final int HELD_OUT_FIRST = 1_000_000;

  /** One held-out image, encoded as it would arrive. */
  record HeldOutImage(String label, byte[] bytes, ImageFormat format) {}

  private final PrintStream out;
  private final List<HeldOutImage> heldOut;
  private final Path saveDir;
  private final ModelSubscriber subscriber;
  private final List<double[]> accuracies = new ArrayList<>(); // {version, accuracy}
  // {arrival (System.nanoTime), images the trainer had seen} of the first and the latest version
  private long[] first;
  private long[] last;
  private volatile ModelSubscriber.ModelVersion latest;
  private String[] heldOutLabels;
  private float[] heldOutPixels;
  private PreprocessSpec heldOutSpec;

  /**
   * Starts following the models topic; {@code saveDir} (may be null) receives every version as a
   * file.
   */
  ModelWatcher(
      KafkaClientConfig kafka,
      String topic,
      List<HeldOutImage> heldOut,
      Path saveDir,
      PrintStream out) {
    this.out = out;
    this.heldOut = heldOut;
    this.saveDir = saveDir;
    this.subscriber = ModelSubscriber.start(kafka, topic, null, this::evaluate);
  }

  ModelSubscriber.ModelVersion latest() {
    return latest;
  }

  synchronized List<double[]> accuracies() {
    return List.copyOf(accuracies);
  }

  /**
   * When the first version arrived (System.nanoTime) and the training images per second between it
   * and the latest; null until a version arrived.
   */
  synchronized double[] arrivals() {
    if (first == null) {
      return null;
    }
    double seconds = (last[0] - first[0]) / 1e9;
    return new double[] {first[0], seconds > 0 ? (last[1] - first[1]) / seconds : Double.NaN};
  }

  private void evaluate(ModelSubscriber.ModelVersion model) {
    long[] arrival = {System.nanoTime(), model.metrics().getImagesSeen()};
    synchronized (this) {
      if (first == null) {
        first = arrival;
      }
      last = arrival;
    }
    if (saveDir != null) {
      try {
        ModelFiles.save(saveDir, model);
      } catch (IOException e) {
        out.println("model watcher: cannot save to " + saveDir + ": " + e.getMessage());
      }
    }
    prepareHeldOut(model.input());
    ModelSubscriber.Embeddings embeddings = subscriber.embed(heldOutPixels, heldOutLabels.length);
    double accuracy =
        Verification.allPairsAccuracy(
            embeddings.values(), heldOutLabels, embeddings.model().embeddingDim());
    synchronized (this) {
      accuracies.add(new double[] {model.version(), accuracy});
    }
    out.printf(
        Locale.ROOT,
        "model v%d (step %d, %d KiB): loss %.3f, pool %.0f%%, held-out verification %.3f%n",
        model.version(),
        model.trainingStep(),
        model.sizeBytes() / 1024,
        model.metrics().getLoss(),
        100 * model.metrics().getPoolOccupancy(),
        accuracy);
    latest = model;
  }

  /**
   * Held-out images, preprocessed exactly as training does (8-bit crop and resize, then the model's
   * normalisation).
   */
  private void prepareHeldOut(PreprocessSpec spec) {
    if (spec.equals(heldOutSpec)) {
      return;
    }
    ImageDecoder decoder = new ImageDecoder(spec, 1L << 26, 1 << 26);
    heldOutLabels = new String[heldOut.size()];
    heldOutPixels = new float[heldOut.size() * spec.tensorLength()];
    for (int i = 0; i < heldOut.size(); i++) {
      heldOutLabels[i] = heldOut.get(i).label();
      try {
        decoder.networkInput(
            heldOut.get(i).bytes(),
            heldOut.get(i).format(),
            heldOutPixels,
            i * spec.tensorLength());
      } catch (ImageRejectedException e) {
        throw new IllegalStateException(
            "held-out image " + heldOut.get(i).label() + ": " + e.getMessage(), e);
      }
    }
    heldOutSpec = spec;
  }

  /** Synthetic identities the producer never sends: 4 images each. */
  static List<HeldOutImage> syntheticHeldOut(long seed, int size, int identities) {
    SyntheticFaces faces = new SyntheticFaces(seed, size);
    List<HeldOutImage> images = new ArrayList<>();
    for (int id = HELD_OUT_FIRST; id < HELD_OUT_FIRST + identities; id++) {
      for (int img = 0; img < 4; img++) {
        images.add(
            new HeldOutImage(
                SyntheticFaces.identityId(id),
                faces.encoded(id, img, ImageFormat.PNG),
                ImageFormat.PNG));
      }
    }
    return images;
  }

  /**
   * Held-out identities of a folder, up to 4 images each, for {@code identities} of them with two
   * or more images: those named in {@code heldOutNames} when it is not empty (the demo's --pairs
   * folds), otherwise every tenth folder, which are added to {@code heldOutNames} (the producer
   * leaves them out).
   */
  static List<HeldOutImage> folderHeldOut(Path dir, int identities, Set<String> heldOutNames)
      throws IOException {
    boolean given = !heldOutNames.isEmpty();
    int found = 0;
    List<HeldOutImage> images = new ArrayList<>();
    List<Path> folders;
    try (var list = Files.list(dir)) {
      folders = list.filter(Files::isDirectory).sorted().toList();
    }
    for (int i = given ? 0 : 9; i < folders.size() && found < identities; i += given ? 1 : 10) {
      if (given && !heldOutNames.contains(folders.get(i).getFileName().toString())) {
        continue;
      }
      List<Path> files;
      try (var list = Files.list(folders.get(i))) {
        files = list.filter(f -> ImageDecoder.formatOf(f) != null).sorted().limit(4).toList();
      }
      if (files.size() >= 2) {
        String name = folders.get(i).getFileName().toString();
        heldOutNames.add(name);
        found++;
        for (Path f : files) {
          images.add(new HeldOutImage(name, Files.readAllBytes(f), ImageDecoder.formatOf(f)));
        }
      }
    }
    return images;
  }

  @Override
  public void close() throws InterruptedException {
    subscriber.close();
  }
}
