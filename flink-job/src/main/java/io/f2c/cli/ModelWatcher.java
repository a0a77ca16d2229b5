package io.f2c.cli;

import io.f2c.eval.Verification;
import io.f2c.ingest.ImageDecoder;
import io.f2c.ingest.ImageRejectedException;
import io.f2c.ingest.PreprocessSpec;
import io.f2c.ingest.SyntheticFaces;
import io.f2c.kafka.TopicReader;
import io.f2c.model.Embedder;
import io.f2c.publishing.ModelAssembler;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.ModelUpdate;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's built-in model subscriber: follows the models topic ({@code read_committed}), reassembles each version,
 * loads it and prints its verification accuracy on held-out identities the producer never sends.
 */
final class ModelWatcher implements AutoCloseable {
  /** Held-out synthetic identities start here; the producer's are numbered from 0. */
  static final int HELD_OUT_FIRST = 1_000_000;

  /** One held-out image, encoded as it would arrive. */
  record HeldOutImage(String label, byte[] bytes, ImageFormat format) {}

  private final TopicReader<ModelUpdate> reader;
  private final PrintStream out;
  private final List<HeldOutImage> heldOut;
  private final Thread thread;
  private volatile boolean running = true;
  private final List<double[]> accuracies = new ArrayList<>(); // {version, accuracy}
  private volatile ModelUpdate latest;
  private String[] heldOutLabels;
  private float[] heldOutPixels;
  private PreprocessSpec heldOutSpec;

  ModelWatcher(String bootstrap, String topic, List<HeldOutImage> heldOut, PrintStream out) {
    this.reader = new TopicReader<>(bootstrap, topic, AvroCodec.modelUpdate());
    this.out = out;
    this.heldOut = heldOut;
    this.thread = new Thread(this::follow, "f2c-model-watcher");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  ModelUpdate latest() {
    return latest;
  }

  synchronized List<double[]> accuracies() {
    return List.copyOf(accuracies);
  }

  private void follow() {
    ModelAssembler assembler = new ModelAssembler();
    while (running) {
      try {
        for (ModelUpdate chunk : reader.poll(Duration.ofMillis(500))) {
          assembler.add(chunk).ifPresent(this::evaluate);
        }
      } catch (RuntimeException e) {
        if (running) {
          out.println("model watcher: " + e.getMessage());
        }
      }
    }
  }

  private void evaluate(ModelAssembler.Complete model) {
    ModelUpdate header = model.header();
    latest = header;
    try (Embedder embedder = Embedder.load(model.blob())) {
      prepareHeldOut(embedder.input());
      double accuracy = Verification.allPairsAccuracy(embedder.embed(heldOutPixels, heldOutLabels.length),
          heldOutLabels, embedder.embeddingDim());
      synchronized (this) {
        accuracies.add(new double[] {header.getVersion(), accuracy});
      }
      out.printf(Locale.ROOT, "model v%d (step %d, %d KiB): loss %.3f, pool %.0f%%, held-out verification %.3f%n",
          header.getVersion(), header.getTrainingStep(), model.blob().length / 1024, header.getMetrics().getLoss(),
          100 * header.getMetrics().getPoolOccupancy(), accuracy);
    }
  }

  /** Held-out images, preprocessed exactly as training does (8-bit crop and resize, then the model's normalisation). */
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
        spec.normalize(decoder.decodeToBytes(heldOut.get(i).bytes(), heldOut.get(i).format()), heldOutPixels,
            i * spec.tensorLength());
      } catch (ImageRejectedException e) {
        throw new IllegalStateException("held-out image " + heldOut.get(i).label() + ": " + e.getMessage(), e);
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
        images.add(new HeldOutImage(SyntheticFaces.identityId(id), faces.encoded(id, img, ImageFormat.PNG),
            ImageFormat.PNG));
      }
    }
    return images;
  }

  /**
   * Every tenth identity folder with two or more images (at most {@code identities}), which the demo's producer then
   * leaves out; up to 4 images each.
   */
  static List<HeldOutImage> folderHeldOut(java.nio.file.Path dir, int identities,
      java.util.Set<String> heldOutNames) throws java.io.IOException {
    List<HeldOutImage> images = new ArrayList<>();
    List<java.nio.file.Path> folders;
    try (var list = java.nio.file.Files.list(dir)) {
      folders = list.filter(java.nio.file.Files::isDirectory).sorted().toList();
    }
    for (int i = 9; i < folders.size() && heldOutNames.size() < identities; i += 10) {
      List<java.nio.file.Path> files;
      try (var list = java.nio.file.Files.list(folders.get(i))) {
        files = list.filter(f -> io.f2c.ingest.FaceSource.formatOf(f) != null).sorted().limit(4).toList();
      }
      if (files.size() >= 2) {
        String name = folders.get(i).getFileName().toString();
        heldOutNames.add(name);
        for (java.nio.file.Path f : files) {
          images.add(new HeldOutImage(name, java.nio.file.Files.readAllBytes(f), io.f2c.ingest.FaceSource.formatOf(f)));
        }
      }
    }
    return images;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
    reader.close();
  }
}
