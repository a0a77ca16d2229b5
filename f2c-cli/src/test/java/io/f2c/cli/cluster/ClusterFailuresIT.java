package io.f2c.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.F2cJob;
import io.f2c.subscribing.ModelSubscriber;
import io.f2c.testing.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures a production cluster meets, on a cluster of separate processes ({@link
 * LocalCluster}): a Kafka broker in its own JVM, a Flink JobManager and two TaskManagers with DJL
 * in their classpath as in {@code lib/}, the job submitted as the shaded jar over REST. Each case
 * checks that the failure really happened (restart count, exception history or the trainer's state
 * reports), that the job runs again, that a read_committed consumer sees model versions strictly
 * increasing, complete and not repeated, and the README's rule for the input: once the producer
 * stopped and a checkpoint completed, the job's committed offsets reach the end of the images topic
 * and nothing valid was dead-lettered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailuresIT {
  @TempDir static Path tmp;
  private static LocalCluster.Settings ports;
  private static LocalCluster cluster;
  private static JobSubmitter flink;
  private static String jar;

  @BeforeAll
  static void startCluster() throws Exception {
    ClusterLayout layout =
        new ClusterLayout(tmp.resolve("cluster"), Path.of("..").toAbsolutePath().normalize());
    ports = ClusterJobs.freePorts();
    cluster = LocalCluster.start(layout, ports);
    flink = new JobSubmitter(cluster.restPort());
    jar = flink.upload(layout.jobJar());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Opens and closes a connection to 127.0.0.1:port. */
  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    }
  }

  /** "latest" of the job's checkpoint statistics on the REST API (completed, failed, restored). */
  private static Optional<JsonObject> latestCheckpoints(String job) {
    return LocalRest.object(cluster.restPort(), "/jobs/" + job + "/checkpoints")
        .filter(body -> body.has("latest") && body.get("latest").isJsonObject())
        .map(body -> body.getAsJsonObject("latest"));
  }

  private static boolean has(JsonObject object, String field) {
    return object.has(field) && !object.get(field).isJsonNull();
  }

  @Test
  @Order(1)
  void killingTheTaskManagerOfTheTrainerMovesTheJobToTheOther() throws Exception {
    try (ClusterRun run = new ClusterRun(cluster, flink, jar, "tmkill")) {
      String job = run.startTraining();
      List<String> before = flink.taskManagersOf(job, ClusterJobs.trainerVertex(cluster, job));
      assertEquals(1, before.size(), before.toString());
      long versionBefore = run.versions.maxVersion();

      long killedAt = System.nanoTime();
      ClusterJobs.withTaskManagerKilled(
          cluster,
          before.get(0),
          () -> checkTheJobMoved(run, job, before.get(0), killedAt, versionBefore));
    }
  }

  private static void checkTheJobMoved(
      ClusterRun run, String job, String killed, long killedAt, long versionBefore)
      throws Exception {
    List<String> before = List.of(killed);
    Await.until("a restart", Duration.ofSeconds(60), () -> flink.restarts(job) >= 1);
    Await.until(
        "RUNNING on the other TaskManager",
        Duration.ofSeconds(90),
        () ->
            flink.state(job).orElse("").equals("RUNNING")
                && !flink.taskManagersOf(job, ClusterJobs.trainerVertex(cluster, job)).isEmpty()
                && !flink
                    .taskManagersOf(job, ClusterJobs.trainerVertex(cluster, job))
                    .contains(before.get(0)));
    double secondsToRunning = (System.nanoTime() - killedAt) / 1e9;
    assertNotEquals(before, flink.taskManagersOf(job, ClusterJobs.trainerVertex(cluster, job)));
    run.awaitVersion(versionBefore + 2, Duration.ofSeconds(120));
    run.versions.assertExactlyOnce();
    run.assertInputAccountedFor(job);
    System.out.printf(
        "tm kill: %s killed, restarts %d, RUNNING again after %.1f s on %s, versions %s%n",
        before.get(0),
        flink.restarts(job),
        secondsToRunning,
        flink.taskManagersOf(job, ClusterJobs.trainerVertex(cluster, job)),
        run.versions.versions());
    flink.cancel(job);
  }

  @Test
  @Order(2)
  void killingTheBrokerAndStartingItAgainOnItsDataLosesNothing() throws Exception {
    try (ClusterRun run = new ClusterRun(cluster, flink, jar, "brokerkill")) {
      String job = run.startTraining();
      long versionBefore = run.versions.maxVersion();
      long[] atKill = flink.checkpointCounts(job);
      assertTrue(atKill[1] >= 0, "checkpoint counts on the REST API: " + Arrays.toString(atKill));
      long killedAt = System.nanoTime();
      cluster.kill("kafka");
      long restartedAt;
      try {
        assertThrows(
            ConnectException.class,
            () -> connect(ports.kafkaPort()),
            "the broker's port still accepts connections after the kill");
        // Down until the job noticed: a checkpoint failed (its Kafka transaction cannot finish).
        Await.until(
            "a failed checkpoint while the broker is down",
            Duration.ofSeconds(60),
            () -> flink.checkpointCounts(job)[1] > atKill[1],
            () ->
                " (checkpoints completed/failed "
                    + Arrays.toString(flink.checkpointCounts(job))
                    + " now, "
                    + Arrays.toString(atKill)
                    + " at the kill; restarts "
                    + flink.restarts(job)
                    + ")");
      } finally {
        restartedAt = System.nanoTime();
        cluster.startBroker(); // on the same port and data directory
      }
      Await.until(
          "the failure in the job's history",
          Duration.ofSeconds(90),
          () -> flink.restarts(job) >= 1 || !flink.exceptions(job).isEmpty(),
          () ->
              " (restarts "
                  + flink.restarts(job)
                  + ", checkpoints completed/failed "
                  + Arrays.toString(flink.checkpointCounts(job))
                  + ")");
      Await.until(
          "RUNNING again",
          Duration.ofSeconds(120),
          () -> flink.state(job).orElse("").equals("RUNNING"));
      run.awaitVersion(versionBefore + 2, Duration.ofSeconds(180));
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      run.versions.assertExactlyOnce();
      run.assertInputAccountedFor(job);
      System.out.printf(
          "broker kill: down %.1f s, restarts %d, failures %s, checkpoints completed/failed %s at"
              + " the kill, %s after; two new versions %.1f s after the kill, versions %s%n",
          (restartedAt - killedAt) / 1e9,
          flink.restarts(job),
          flink.exceptions(job),
          Arrays.toString(atKill),
          Arrays.toString(flink.checkpointCounts(job)),
          seconds,
          run.versions.versions());
      flink.cancel(job);
    }
  }

  @Test
  @Order(3)
  void aSavepointResumesTheSameStateAndRefusesAStructuralChange() throws Exception {
    try (ClusterRun run = new ClusterRun(cluster, flink, jar, "savepoint")) {
      String job = run.startTraining();
      String savepoint = ClusterJobs.stopWithSavepoint(cluster, flink, job);
      Await.until(
          "the job FINISHED",
          Duration.ofSeconds(60),
          () -> flink.state(job).orElse("").equals("FINISHED"));
      ClusterJobs.Report closed =
          ClusterJobs.reports(flink, job).stream()
              .filter(r -> r.event().equals("closed"))
              .reduce((a, b) -> b)
              .orElseThrow();

      // Resumed as it was: the same step, model version and state digest (P, G, momentum, pool).
      String resumed = run.submit(run.jobArgs(), savepoint);
      Await.until(
          "the trainer restored",
          Duration.ofSeconds(60),
          () -> !ClusterJobs.reports(flink, resumed).isEmpty());
      ClusterJobs.Report restored = ClusterJobs.reports(flink, resumed).get(0);
      assertEquals("restored", restored.event());
      // What the stateless case below relies on: Flink reports a restore in latest.restored.
      Await.until(
          "latest.restored in the resumed job's checkpoint statistics",
          Duration.ofSeconds(30),
          () -> latestCheckpoints(resumed).map(latest -> has(latest, "restored")).orElse(false),
          () -> " (" + latestCheckpoints(resumed) + ")");
      assertEquals(
          List.of(closed.step(), closed.version(), closed.digest()),
          List.of(restored.step(), restored.version(), restored.digest()));
      run.awaitVersion(Long.parseLong(closed.version()) + 1, Duration.ofSeconds(120));
      flink.cancel(resumed);

      // The same savepoint, two upstream subtasks and other non-structural options: it works.
      String rescaled =
          run.submit(
              run.jobArgs(
                  "--parallelism",
                  "2",
                  "--torch-threads",
                  "2",
                  "--checkpoint-interval-ms",
                  "3000",
                  "--lr",
                  "0.02",
                  "--lr-decay-steps",
                  "200"),
              savepoint);
      Await.until(
          "the trainer restored",
          Duration.ofSeconds(60),
          () -> !ClusterJobs.reports(flink, rescaled).isEmpty());
      assertEquals(
          closed.digest(),
          ClusterJobs.reports(flink, rescaled).get(0).digest(),
          "the same state at parallelism 2");
      long before = run.versions.maxVersion();
      run.awaitVersion(before + 1, Duration.ofSeconds(120));
      // Through the stop, two restores and a rescale, every image sent was read and committed.
      run.assertInputAccountedFor(rescaled);
      flink.cancel(rescaled);

      // A structural change is refused once, naming the option; no restart loop.
      String changed =
          flink.run(jar, F2cJob.class.getName(), run.jobArgs("--pool-size", "30"), null, savepoint);
      Await.until(
          "the job FAILED",
          Duration.ofSeconds(90),
          () -> flink.state(changed).orElse("").equals("FAILED"));
      // Every failure, restarted or not, enters the exception history, which outlives the job;
      // the numRestarts metric can be gone once the job is FAILED (then it reads -1).
      Await.until(
          "its failure in the exception history",
          Duration.ofSeconds(30),
          () -> !flink.exceptions(changed).isEmpty());
      List<String> failures = flink.exceptions(changed);
      assertEquals(1, failures.size(), "one failure, no restart loop: " + failures);
      assertTrue(
          failures.get(0).contains("--pool-size 24, this job has --pool-size 30"),
          failures.toString());
      run.versions.assertExactlyOnce();
      System.out.printf(
          "savepoint: closed at step %s version %s digest %s; restored the same; at parallelism 2 the same;"
              + " --pool-size 30 FAILED once, not restarted; versions %s%n",
          closed.step(), closed.version(), closed.digest(), run.versions.versions());
    }
  }

  @Test
  @Order(4)
  void aJobWithoutStateContinuesTheVersionsAndARunningSubscriberFollows() throws Exception {
    try (ClusterRun run = new ClusterRun(cluster, flink, jar, "stateless")) {
      String first = run.startTraining();
      List<Long> seen = new CopyOnWriteArrayList<>();
      try (ModelSubscriber subscriber =
          ModelSubscriber.start(
              cluster.bootstrapServers(), run.models(), "f2c", v -> seen.add(v.version()))) {
        subscriber.awaitFirst(Duration.ofSeconds(60)).orElseThrow();
        flink.cancel(first);
        Await.until(
            "cancelled",
            Duration.ofSeconds(60),
            () -> flink.state(first).orElse("").equals("CANCELED"));
        long last = run.versions.maxVersion();

        // No state, and the committed offsets are at the end: --start-from earliest retrains on
        // all.
        String second = run.submit(run.jobArgs("--start-from", "earliest"), null);
        Await.until(
            "the subscriber follows the new job",
            Duration.ofSeconds(180),
            () -> seen.stream().anyMatch(v -> v > last),
            () -> " (seen " + seen + ", last of the first job " + last + ")");
        JsonObject latest = latestCheckpoints(second).orElseThrow();
        assertTrue(has(latest, "completed"), "the statistics are there: " + latest);
        assertFalse(has(latest, "restored"), "started without state, yet restored: " + latest);
        run.versions.assertExactlyOnce();
        run.assertInputAccountedFor(second);
        System.out.printf(
            "stateless start: first job's last version %d; the subscriber saw %s without a restart%n",
            last, seen);
        flink.cancel(second);
      }
    }
  }
}
