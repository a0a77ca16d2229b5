package io.f2c.cli.study;

import io.f2c.eval.ContinualMatrix;
import io.f2c.eval.CrossVersionVerification;
import io.f2c.eval.ImageEmbeddings;
import io.f2c.eval.ImagePair;
import io.f2c.model.Embedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates every saved version on the held-out pairs of every phase (the accuracy matrix), and
 * consecutive versions against each other: the gallery image of each pair embedded by version n,
 * the probe by n + 1, over the pairs of all phases.
 */
final class ContinualEvaluation {
  /** Cross-version verification between version n - 1 (gallery) and n (probe). */
  record Step(double accuracy, double selfCosine) {}

  record Result(ContinualMatrix matrix, List<Step> consecutive) {}

  private ContinualEvaluation() {}

  static Result evaluate(
      List<ContinualPhases.Phase> phases, ContinualStream.Result stream, PrintStream out)
      throws IOException {
    List<CrossVersionVerification> perPhase = new ArrayList<>();
    List<ImagePair> all = new ArrayList<>();
    for (ContinualPhases.Phase phase : phases) {
      perPhase.add(new CrossVersionVerification(phase.pairs()));
      all.addAll(phase.pairs());
    }
    CrossVersionVerification everyPhase = new CrossVersionVerification(all);
    List<ContinualStream.Arrival> arrivals = stream.arrivals();
    double[][] accuracy = new double[arrivals.size()][phases.size()];
    List<Step> consecutive = new ArrayList<>();
    ImageEmbeddings previous = null;
    for (int v = 0; v < arrivals.size(); v++) {
      ContinualStream.Arrival arrival = arrivals.get(v);
      ImageEmbeddings embedded;
      try (Embedder embedder = Embedder.load(Files.readAllBytes(arrival.file()))) {
        embedded = everyPhase.embed(embedder);
      }
      StringBuilder row = new StringBuilder();
      for (int p = 0; p < phases.size(); p++) {
        accuracy[v][p] = perPhase.get(p).evaluate(embedded, embedded).mean();
        row.append(String.format(Locale.ROOT, " %.4f", accuracy[v][p]));
      }
      if (previous != null) {
        CrossVersionVerification.Result r = everyPhase.evaluate(previous, embedded);
        consecutive.add(new Step(r.mean(), r.selfCosine()));
      }
      previous = embedded;
      out.printf(
          Locale.ROOT,
          "  v%-4d step %-6d sent %-7d %7.1fs |%s%n",
          arrival.version(),
          arrival.step(),
          arrival.at().images(),
          arrival.at().seconds(),
          row);
    }
    List<ContinualMatrix.StreamPoint> points =
        arrivals.stream().map(ContinualStream.Arrival::at).toList();
    return new Result(new ContinualMatrix(accuracy, points, stream.phaseStarts()), consecutive);
  }
}
