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

  private final TopicReader<ModelUpdate> reader;
  private final PrintStream out;
  private final long seed;
  private final int heldOutIdentities;
  private final Thread thread;
  private volatile boolean running = true;
  private final List<double[]> accuracies = new ArrayList<>(); // {version, accuracy}
  private volatile ModelUpdate latest;
  private String[] heldOutLabels;
  private float[] heldOutPixels;
  private PreprocessSpec heldOutSpec;

  ModelWatcher(String bootstrap, String topic, long seed, int heldOutIdentities, PrintStream out) {
    this.reader = new TopicReader<>(bootstrap, topic, AvroCodec.modelUpdate());
    this.out = out;
    this.seed = seed;
    this.heldOutIdentities = heldOutIdentities;
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

  /** Held-out images, preprocessed exactly as the model expects. */
  private void prepareHeldOut(PreprocessSpec spec) {
    if (spec.equals(heldOutSpec)) {
      return;
    }
    SyntheticFaces faces = new SyntheticFaces(seed, spec.size());
    ImageDecoder decoder = new ImageDecoder(spec, 1L << 26, 1 << 26);
    int perIdentity = 4;
    heldOutLabels = new String[heldOutIdentities * perIdentity];
    heldOutPixels = new float[heldOutLabels.length * spec.tensorLength()];
    for (int i = 0; i < heldOutLabels.length; i++) {
      int id = HELD_OUT_FIRST + i / perIdentity;
      heldOutLabels[i] = SyntheticFaces.identityId(id);
      try {
        float[] pixels = decoder.decode(faces.encoded(id, i % perIdentity, ImageFormat.PNG), ImageFormat.PNG);
        System.arraycopy(pixels, 0, heldOutPixels, i * spec.tensorLength(), spec.tensorLength());
      } catch (ImageRejectedException e) {
        throw new IllegalStateException(e);
      }
    }
    heldOutSpec = spec;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
    reader.close();
  }
}
