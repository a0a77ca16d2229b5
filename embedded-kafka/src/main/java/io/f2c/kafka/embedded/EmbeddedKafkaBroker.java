package io.f2c.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft, combined broker + controller) on 127.0.0.1. {@link #start()} runs one
 * inside this JVM on free ports, with its data in a temporary directory that {@link #close()}
 * deletes (the demo and the tests). {@link #main} runs one as a process of its own on fixed ports
 * and a kept data directory, so that it can be killed and started again on the same data (the local
 * cluster). Production uses an external cluster through {@code --bootstrap-servers}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final Path dataDir;
  private final int brokerPort;
  private final KafkaRaftServer server;
  private final boolean deleteOnClose;
  private boolean closed;

  private EmbeddedKafkaBroker(
      Path dataDir, int brokerPort, KafkaRaftServer server, boolean deleteOnClose) {
    this.dataDir = dataDir;
    this.brokerPort = brokerPort;
    this.server = server;
    this.deleteOnClose = deleteOnClose;
  }

  /** A broker on free ports and a temporary data directory; returns once it accepts connections. */
  public static EmbeddedKafkaBroker start() throws IOException {
    return start(
        Files.createTempDirectory("f2c-kafka-"), LoopbackPorts.free(), LoopbackPorts.free(), true);
  }

  /**
   * Formats storage (unless {@code dataDir} already holds a broker's data) and starts the broker;
   * returns once it accepts connections.
   */
  public static EmbeddedKafkaBroker start(
      Path dataDir, int brokerPort, int controllerPort, boolean deleteOnClose) throws IOException {
    return start(dataDir, brokerPort, controllerPort, deleteOnClose, "PLAINTEXT", Map.of());
  }

  /**
   * The same with a client listener of another security protocol (SASL_SSL, SSL, ...) configured by
   * {@code listenerSettings} (ssl.*, sasl.*, listener.name.*); the broker talks to itself over that
   * listener too. The controller's listener stays plaintext on 127.0.0.1.
   */
  public static EmbeddedKafkaBroker start(
      Path dataDir,
      int brokerPort,
      int controllerPort,
      boolean deleteOnClose,
      String protocol,
      Map<String, String> listenerSettings)
      throws IOException {
    Files.createDirectories(dataDir);
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    props.put(
        "listeners",
        protocol
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ",CONTROLLER://"
            + HOST
            + ":"
            + controllerPort);
    props.put("advertised.listeners", protocol + "://" + HOST + ":" + brokerPort);
    props.put(
        "listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", protocol);
    props.put("log.dirs", dataDir.resolve("logs").toString());
    props.put("num.partitions", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    // Model versions are up to a few MiB in chunks well below this; keep the default message limit
    // explicit.
    props.put("message.max.bytes", String.valueOf(1024 * 1024));
    // No idle no-op records in the metadata log: written twice a second by default, they keep the
    // controller's raft thread busy on a machine it shares with training (see docs/performance.md),
    // and they only let other brokers tell a stale controller; this one is alone.
    props.put("metadata.max.idle.interval.ms", "0");
    props.putAll(listenerSettings);
    Path config = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "f2c embedded broker");
    }

    if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
      format(config);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    return new EmbeddedKafkaBroker(dataDir, brokerPort, server, deleteOnClose);
  }

  /**
   * A broker as a process of its own: {@code PORT CONTROLLER_PORT DATA_DIR}; it runs until the
   * process is stopped, and keeps its data.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: EmbeddedKafkaBroker PORT CONTROLLER_PORT DATA_DIR");
      System.exit(2);
    }
    EmbeddedKafkaBroker broker =
        start(Path.of(args[2]), Integer.parseInt(args[0]), Integer.parseInt(args[1]), false);
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-shutdown"));
    System.out.println("Kafka broker on " + broker.bootstrapServers());
    broker.server.awaitShutdown();
  }

  /** Formats fresh storage (a broker started again on its data keeps its cluster id). */
  private static void format(Path config) throws IOException {
    ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
    int rc =
        StorageTool.execute(
            new String[] {
              "format",
              "-t",
              Uuid.randomUuid().toString(),
              "-c",
              config.toString(),
              "--ignore-formatted"
            },
            new PrintStream(formatLog, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IOException(
          "formatting Kafka storage failed: " + formatLog.toString(StandardCharsets.UTF_8));
    }
  }

  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (deleteOnClose) {
        deleteRecursively(dataDir);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: the directory lives under the system temp folder.
    }
  }
}
