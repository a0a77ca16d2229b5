package io.f2c.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.F2cJob;
import io.f2c.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * K trainers on the local cluster of separate processes ({@link LocalCluster}: a broker, a
 * JobManager, two TaskManagers of two slots, slots spread evenly): two trainers train on two
 * TaskManagers and average their networks; after {@code kill -9} of one TaskManager the job runs
 * again and both trainers restart from the same averaged networks; a savepoint taken with two
 * trainers restores with one and then with three. Model versions stay one stream, exactly once,
 * through all of it, and every image sent is read.
 */
class ClusterScaleOutIT {
  @TempDir static Path tmp;
  private static LocalCluster cluster;
  private static JobSubmitter flink;
  private static String jar;

  @BeforeAll
  static void startCluster() throws Exception {
    ClusterLayout layout =
        new ClusterLayout(tmp.resolve("cluster"), Path.of("..").toAbsolutePath().normalize());
    cluster = LocalCluster.start(layout, ClusterJobs.freePorts());
    flink = new JobSubmitter(cluster.restPort());
    jar = flink.upload(layout.jobJar());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A trainer metric of each trainer subtask, in subtask order. */
  private static List<Double> perTrainer(String job, String metric) {
    return LocalRest.vertexMetrics(cluster.restPort(), job, F2cJob.TRAINER_NAME, metric).stream()
        .map(Double::parseDouble)
        .toList();
  }

  private static void awaitTrainersRunningAndAveraging(String job, int trainers)
      throws InterruptedException {
    Await.until(
        trainers + " trainers stepping and averaging",
        Duration.ofSeconds(120),
        () -> {
          List<Double> steps = perTrainer(job, ".trainer.steps");
          List<Double> rounds = perTrainer(job, ".trainer.averagedRounds");
          return steps.size() == trainers
              && steps.stream().allMatch(s -> s > 0)
              && (trainers == 1
                  || rounds.size() == trainers && rounds.stream().allMatch(r -> r > 0));
        },
        () ->
            " steps "
                + perTrainer(job, ".trainer.steps")
                + ", rounds "
                + perTrainer(job, ".trainer.averagedRounds"));
  }

  /** Waits for {@code trainers} "restored" reports and checks they hold the same networks. */
  private static void assertRestoredFromOneAverage(String job, int trainers)
      throws InterruptedException {
    // A restart after a kill, with both trainers restoring on one TaskManager, can take minutes on
    // a loaded two-core machine.
    Await.until(
        trainers + " trainers restored",
        Duration.ofSeconds(240),
        () ->
            ClusterJobs.reports(flink, job).stream()
                    .filter(r -> r.event().equals("restored"))
                    .map(ClusterJobs.Report::trainer)
                    .distinct()
                    .count()
                >= trainers,
        () -> " reports " + ClusterJobs.reports(flink, job));
    Set<String> networks =
        ClusterJobs.reports(flink, job).stream()
            .filter(r -> r.event().equals("restored"))
            .map(ClusterJobs.Report::networks)
            .collect(Collectors.toSet());
    Set<String> steps =
        ClusterJobs.reports(flink, job).stream()
            .filter(r -> r.event().equals("restored"))
            .map(ClusterJobs.Report::step)
            .collect(Collectors.toSet());
    assertEquals(1, networks.size(), "one averaged network for all trainers: " + networks);
    assertEquals(1, steps.size(), "one global step for all trainers: " + steps);
  }

  @Test
  void twoTrainersSurviveAKilledTaskManagerAndASavepointRestoresWithOneAndThreeTrainers()
      throws Exception {
    // A slower producer than the other cluster cases': three trainers on two cores must drain what
    // came in while the job was stopped, restored and rescaled before the input is accounted for.
    try (ClusterRun run = new ClusterRun(cluster, flink, jar, "scaleout", 15)) {
      List<String> two = run.jobArgs("--trainers", "2", "--average-every-steps", "2");
      String job = run.submit(two, null);
      awaitTrainersRunningAndAveraging(job, 2);
      String vertex = ClusterJobs.trainerVertex(cluster, job);
      List<String> taskManagers = flink.taskManagersOf(job, vertex);
      assertEquals(2, taskManagers.size(), "a trainer on each TaskManager: " + taskManagers);
      run.awaitVersion(2, Duration.ofSeconds(120));

      // Rounds run every two steps of either trainer: a kill lands in or near one.
      String killed = taskManagers.get(1);
      ClusterJobs.withTaskManagerKilled(
          cluster,
          killed,
          () -> {
            Await.until("a restart", Duration.ofSeconds(60), () -> flink.restarts(job) >= 1);
            assertRestoredFromOneAverage(job, 2);
            long before = run.versions.maxVersion();
            run.awaitVersion(before + 2, Duration.ofSeconds(120));
          });
      awaitTrainersRunningAndAveraging(job, 2);

      String fromTwo = ClusterJobs.stopWithSavepoint(cluster, flink, job);
      String one = run.submit(run.jobArgs("--trainers", "1"), fromTwo);
      assertRestoredFromOneAverage(one, 1);
      awaitTrainersRunningAndAveraging(one, 1);
      run.awaitVersion(run.versions.maxVersion() + 1, Duration.ofSeconds(120));

      String fromOne = ClusterJobs.stopWithSavepoint(cluster, flink, one);
      String three =
          run.submit(run.jobArgs("--trainers", "3", "--average-every-steps", "2"), fromOne);
      assertRestoredFromOneAverage(three, 3);
      awaitTrainersRunningAndAveraging(three, 3);
      run.awaitVersion(run.versions.maxVersion() + 2, Duration.ofSeconds(120));

      run.versions.assertExactlyOnce();
      run.assertInputAccountedFor(three);
      assertTrue(run.versions.maxVersion() >= 6, "versions " + run.versions.versions());
      System.out.printf(
          "scale-out: K=2 on %s, %s killed, restarts %d; savepoint K=2 -> 1 -> 3; versions %s%n",
          taskManagers, killed, flink.restarts(job), run.versions.versions());
    }
  }
}
