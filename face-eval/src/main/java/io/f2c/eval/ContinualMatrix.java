package io.f2c.eval;

import java.util.List;

/**
 * The measures of a continual-learning run over its accuracy matrix R[version][phase]: the accuracy
 * of each published version on the held-out pairs of each phase of a stream whose phases bring
 * disjoint identities. Average accuracy is the last version's mean over phases; a phase's
 * forgetting is its best accuracy at an earlier version (published after the phase began) minus its
 * final accuracy; its freshness is how far the stream went from the phase's first image until a
 * version reached a share of the phase's final accuracy.
 */
public final class ContinualMatrix {
  /** A point of the stream: images sent and seconds since the stream began. */
  public record StreamPoint(long images, double seconds) {}

  /**
   * The first version (index into the matrix) at which a phase reached its target accuracy, and the
   * images and seconds from the phase's first image to that version's arrival.
   */
  public record Freshness(int version, long images, double seconds) {}

  private final double[][] accuracy;
  private final List<StreamPoint> arrivals;
  private final List<StreamPoint> phaseStarts;

  /**
   * @param accuracy R[version][phase], versions in order of publication
   * @param arrivals where the stream stood when each version arrived
   * @param phaseStarts where the stream stood at each phase's first image
   */
  public ContinualMatrix(
      double[][] accuracy, List<StreamPoint> arrivals, List<StreamPoint> phaseStarts) {
    if (accuracy.length == 0 || accuracy.length != arrivals.size()) {
      throw new IllegalArgumentException(
          accuracy.length
              + " matrix rows for "
              + arrivals.size()
              + " versions (needs one or more)");
    }
    for (double[] row : accuracy) {
      if (row.length != phaseStarts.size()) {
        throw new IllegalArgumentException(
            "a row of " + row.length + " accuracies for " + phaseStarts.size() + " phases");
      }
    }
    this.accuracy = accuracy;
    this.arrivals = List.copyOf(arrivals);
    this.phaseStarts = List.copyOf(phaseStarts);
  }

  public int versions() {
    return accuracy.length;
  }

  public int phases() {
    return phaseStarts.size();
  }

  public List<StreamPoint> arrivals() {
    return arrivals;
  }

  public List<StreamPoint> phaseStarts() {
    return phaseStarts;
  }

  public double accuracy(int version, int phase) {
    return accuracy[version][phase];
  }

  /** The last version's accuracy, averaged over the phases. */
  public double averageAccuracy() {
    double sum = 0;
    for (double a : accuracy[accuracy.length - 1]) {
      sum += a;
    }
    return sum / phases();
  }

  /**
   * The phase's best accuracy at a version published after its first image and before the last
   * version, minus its final accuracy (negative when it kept improving); NaN when no such version.
   */
  public double forgetting(int phase) {
    int last = accuracy.length - 1;
    double best = Double.NaN;
    for (int v = 0; v < last; v++) {
      if (startedBefore(phase, v) && !(accuracy[v][phase] <= best)) {
        best = accuracy[v][phase];
      }
    }
    return best - accuracy[last][phase];
  }

  /** Forgetting averaged over every phase but the last (which has nothing after it to forget). */
  public double averageForgetting() {
    double sum = 0;
    int n = 0;
    for (int p = 0; p + 1 < phases(); p++) {
      double f = forgetting(p);
      if (!Double.isNaN(f)) {
        sum += f;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * The first version published after the phase's first image whose accuracy on the phase is at
   * least {@code share} of the phase's final accuracy; null when no version arrived after the phase
   * began.
   */
  public Freshness freshness(int phase, double share) {
    double target = share * accuracy[accuracy.length - 1][phase];
    StreamPoint start = phaseStarts.get(phase);
    for (int v = 0; v < accuracy.length; v++) {
      if (startedBefore(phase, v) && accuracy[v][phase] >= target) {
        StreamPoint at = arrivals.get(v);
        return new Freshness(v, at.images() - start.images(), at.seconds() - start.seconds());
      }
    }
    return null;
  }

  private boolean startedBefore(int phase, int version) {
    return arrivals.get(version).images() >= phaseStarts.get(phase).images();
  }
}
