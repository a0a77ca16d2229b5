package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.cli.runtime.LocalRest;
import io.f2c.kafka.embedded.LoopbackPorts;
import io.f2c.testing.Await;
import io.f2c.testing.SecuredBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo pipeline against a broker that only speaks SASL_SSL: topics, producer, the job's
 * source and exactly-once sink, and the subscriber all connect with {@code --kafka-config}. A wrong
 * password fails at once with one line; a plaintext client gets nowhere; the password appears in no
 * output and no log line (at INFO, where Kafka prints every client's configuration).
 */
class SecuredKafkaIT {
  @TempDir static Path tmp;
  private static SecuredBroker broker;
  private static final StringWriter LOG = new StringWriter();
  private static WriterAppender capture;
  private static Level rootLevel;

  @BeforeAll
  static void start() throws Exception {
    broker = SecuredBroker.start(tmp);
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    capture =
        WriterAppender.newBuilder()
            .setName("secured-kafka-capture")
            .setTarget(LOG)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c - %m%n").build())
            .build();
    capture.start();
    config.addAppender(capture);
    LoggerConfig root = config.getRootLogger();
    rootLevel = root.getLevel();
    root.addAppender(capture, Level.INFO, null);
    root.setLevel(Level.INFO);
    context.updateLoggers();
  }

  @AfterAll
  static void stop() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    if (capture != null) {
      LoggerConfig root = context.getConfiguration().getRootLogger();
      root.removeAppender(capture.getName());
      if (rootLevel != null) {
        root.setLevel(rootLevel); // later tests in this JVM log as configured, not at INFO
      }
      context.updateLoggers();
      capture.stop();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private record Run(int rc, String out, String err) {}

  private static Run f2c(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        F2cCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void demoTrainsAndPublishesThroughSaslSsl() throws Exception {
    int port = LoopbackPorts.free();
    CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> demo(port));
    // While it runs: what the dashboard shows of the job's and the cluster's configuration.
    String[] shown = {""};
    Await.until(
        "the job's configuration on the dashboard",
        Duration.ofSeconds(90),
        () -> {
          String job = LocalRest.runningJob(port, "f2c-face-training").orElse("");
          if (job.isEmpty()) {
            return false;
          }
          shown[0] =
              LocalRest.get(port, "/jobs/" + job + "/config")
                  + LocalRest.get(port, "/jobmanager/config")
                  + LocalRest.get(port, "/jobs/" + job + "/plan");
          return shown[0].contains("execution-config");
        },
        () -> "dashboard answers: " + shown[0]);
    assertFalse(shown[0].contains(broker.password()), "the password is on the dashboard");
    checkDemo(running.get(180, TimeUnit.SECONDS));
  }

  private static Run demo(int port) {
    return f2c(
        TinyDemo.args(
            tmp.resolve("chk"),
            "--bootstrap-servers",
            broker.bootstrapServers(),
            "--kafka-config",
            broker.clientConfig().toString(),
            "--until-step",
            "5",
            "--seconds",
            "120",
            "--dashboard-port",
            String.valueOf(port),
            "--synthetic-identities",
            "30",
            "--embedding-dim",
            "32"));
  }

  private static void checkDemo(Run demo) {
    String text = demo.out() + demo.err();
    assertEquals(0, demo.rc(), text);
    text.lines()
        .filter(l -> l.startsWith("Kafka: ") || l.contains("model v1 (step 5,"))
        .forEach(l -> System.out.println("SASL_SSL demo: " + l));
    assertTrue(text.contains("with " + broker.clientConfig()), "the settings are shown:\n" + text);
    assertTrue(text.contains("sasl.jaas.config=******"), "secrets masked:\n" + text);
    assertTrue(text.contains("model v1 (step 5,"), "the subscriber got a model:\n" + text);
    assertFalse(text.contains(broker.password()), "the password was printed:\n" + text);
    String log = LOG.toString();
    assertTrue(
        log.contains("security.protocol = SASL_SSL"),
        "Kafka's clients logged their configuration at INFO (else this checks nothing)");
    assertFalse(log.contains(broker.password()), "the password is in a log line");
  }

  @Test
  void aWrongPasswordFailsAtOnceWithOneLine() {
    long failedBefore = SecuredBroker.failedAuthentications();
    long start = System.nanoTime();
    Run produce =
        f2c(
            "produce",
            "--bootstrap-servers",
            broker.bootstrapServers(),
            "--kafka-config",
            broker.wrongPasswordConfig().toString(),
            "--synthetic-identities",
            "2",
            "--synthetic-images",
            "2");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(produce.rc() != 0, produce.out() + produce.err());
    List<String> lines = produce.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line:\n" + produce.err());
    assertTrue(
        lines.get(0).contains("Authentication failed") && lines.get(0).contains("--kafka-config"),
        lines.get(0));
    assertTrue(seconds < 20, "failed after " + seconds + " s");
    long failed = SecuredBroker.failedAuthentications() - failedBefore;
    System.out.printf(
        "wrong password: exit %d after %.1f s, %d failed logins at the broker: %s%n",
        produce.rc(), seconds, failed, lines.get(0));
    assertTrue(failed >= 1, "the broker saw the failed login");
    assertTrue(failed <= 3, failed + " failed logins: a client retried");
    assertFalse(produce.err().contains(broker.password()));
  }

  @Test
  void aPlaintextClientIsRefused() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(props)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof TimeoutException, "" + e);
    }
  }
}
