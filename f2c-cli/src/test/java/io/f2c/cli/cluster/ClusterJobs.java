package io.f2c.cli.cluster;

import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.F2cJob;
import io.f2c.kafka.embedded.LoopbackPorts;
import io.f2c.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the cluster ITs share: free ports, stop-with-savepoint, the trainers' state reports. */
final class ClusterJobs {
  private static final Pattern REPORT =
      Pattern.compile(
          "(restored|closed) trainer=(\\d+) step=(\\d+) version=(\\d+) digest=([0-9a-f]+)"
              + " networks=([0-9a-f]+)");

  private ClusterJobs() {}

  /**
   * One trainer's state report ("restored" after a restore, "closed" when its task ended): step,
   * model version, digest of its whole state and of its networks alone.
   */
  record Report(
      String event, int trainer, String step, String version, String digest, String networks) {}

  /**
   * Four distinct ports free on 127.0.0.1 now (not {@code f2c cluster up}'s fixed ones, which a
   * concurrent build or a crashed run's leftovers may hold); the broker keeps its port when it is
   * started again.
   */
  static LocalCluster.Settings freePorts() throws IOException {
    Set<Integer> free = new LinkedHashSet<>();
    while (free.size() < 4) {
      free.add(LoopbackPorts.free());
    }
    List<Integer> p = List.copyOf(free);
    return new LocalCluster.Settings(p.get(0), p.get(1), p.get(2), p.get(3), 2);
  }

  /** What a test checks while a process of the cluster is down. */
  interface WhileDown {
    void check() throws Exception;
  }

  /**
   * SIGKILLs TaskManager {@code name}, runs {@code whileDown}, then starts the TaskManager again
   * and waits until both are registered, whatever {@code whileDown} did: the next case needs the
   * whole cluster. A failure of {@code whileDown} is the one reported, with any failure to bring
   * the TaskManager back attached to it rather than in its place.
   */
  static void withTaskManagerKilled(LocalCluster cluster, String name, WhileDown whileDown)
      throws Exception {
    cluster.kill(name);
    Throwable failure = null;
    try {
      whileDown.check();
    } catch (Throwable e) {
      failure = e;
      throw e;
    } finally {
      try {
        long started = System.nanoTime();
        cluster.startTaskManager(Integer.parseInt(name.substring(3)));
        cluster.awaitTaskManagers(2, Duration.ofSeconds(120));
        System.out.printf(
            "%s started again, registered after %.1f s%n",
            name, (System.nanoTime() - started) / 1e9);
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          throw e;
        }
        failure.addSuppressed(e);
      }
    }
  }

  /** Stop-with-savepoint; retried once the job runs again if a failover got in its way. */
  static String stopWithSavepoint(LocalCluster cluster, JobSubmitter flink, String job)
      throws Exception {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Await.until(
          "job " + job + " RUNNING with a completed checkpoint",
          Duration.ofSeconds(90),
          () ->
              flink.state(job).orElse("").equals("RUNNING") && flink.checkpointCounts(job)[0] >= 1);
      try {
        return flink.stopWithSavepoint(job, cluster.layout().savepoints(), Duration.ofSeconds(120));
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The trainers' state reports of a job, in the order they were made. */
  static List<Report> reports(JobSubmitter flink, String job) {
    List<Report> reports = new ArrayList<>();
    Matcher m = REPORT.matcher(flink.accumulator(job, "trainer-state").orElse(""));
    while (m.find()) {
      reports.add(
          new Report(
              m.group(1),
              Integer.parseInt(m.group(2)),
              m.group(3),
              m.group(4),
              m.group(5),
              m.group(6)));
    }
    return reports;
  }

  static String trainerVertex(LocalCluster cluster, String job) {
    return LocalRest.vertexId(cluster.restPort(), job, F2cJob.TRAINER_NAME);
  }
}
