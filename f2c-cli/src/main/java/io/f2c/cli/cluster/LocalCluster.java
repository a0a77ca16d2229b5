package io.f2c.cli.cluster;

import io.f2c.cli.runtime.LocalRest;
import io.f2c.job.runtime.FlinkSettings;
import io.f2c.kafka.embedded.EmbeddedKafkaBroker;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A cluster of separate processes on 127.0.0.1, as users run the job: a Kafka broker in its own JVM
 * (on the caller's port, kept with its data directory when it is started again), a Flink standalone
 * session cluster (one JobManager, {@code taskManagers} TaskManagers) whose classpath is what a
 * real cluster's {@code lib/} holds (Flink, DJL and libtorch), and the job submitted as the shaded
 * jar through the REST API, as {@code flink run} does. Processes are killed with SIGKILL for
 * failure tests, and can be started again.
 */
public final class LocalCluster implements AutoCloseable {
  /**
   * The cluster's ports and size, chosen by the caller and kept for the cluster's life: the broker
   * is started again ({@link #startBroker}) on the same port.
   */
  public record Settings(
      int kafkaPort, int kafkaControllerPort, int restPort, int rpcPort, int taskManagers) {
    /** The fixed ports of {@code f2c cluster up} and {@code submit}, which users' clients use. */
    public static Settings defaults() {
      return new Settings(39092, 39093, 38081, 36123, 2);
    }
  }

  private final ClusterLayout layout;
  private final Settings settings;
  private final Map<String, Process> processes = new LinkedHashMap<>();

  private LocalCluster(ClusterLayout layout, Settings settings) {
    this.layout = layout;
    this.settings = settings;
  }

  /** Starts the broker, the JobManager and the TaskManagers; returns when all are up. */
  public static LocalCluster start(ClusterLayout layout, Settings settings) throws IOException {
    LocalCluster cluster = new LocalCluster(layout, settings);
    try {
      for (Path dir : List.of(layout.conf(), layout.logs(), layout.pids(), layout.kafkaData())) {
        Files.createDirectories(dir);
      }
      cluster.writeFlinkConfiguration();
      cluster.startBroker();
      cluster.startJobManager();
      for (int i = 1; i <= settings.taskManagers(); i++) {
        cluster.startTaskManager(i);
      }
      cluster.awaitTaskManagers(settings.taskManagers(), Duration.ofSeconds(90));
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + settings.kafkaPort();
  }

  public int restPort() {
    return settings.restPort();
  }

  public ClusterLayout layout() {
    return layout;
  }

  /** The broker as a process of its own, on its port and data directory. */
  public void startBroker() throws IOException {
    start(
        "kafka",
        javaCommand(
            "kafka",
            layout.launcherClasspath(),
            List.of("-Xmx512m"),
            EmbeddedKafkaBroker.class.getName(),
            List.of(
                String.valueOf(settings.kafkaPort()),
                String.valueOf(settings.kafkaControllerPort()),
                layout.kafkaData().toString())));
    awaitPort(settings.kafkaPort(), Duration.ofSeconds(60), "the Kafka broker");
  }

  public void startJobManager() throws IOException {
    start(
        "jobmanager",
        javaCommand(
            "jobmanager",
            layout.flinkLib(),
            List.of("-Xmx512m"),
            StandaloneSessionClusterEntrypoint.class.getName(),
            List.of("--configDir", layout.conf().toString())));
    awaitPort(settings.restPort(), Duration.ofSeconds(60), "the JobManager's REST API");
  }

  /**
   * TaskManager {@code i} (resource id {@code tm-i}), with the memory Flink's scripts would give
   * it.
   */
  public void startTaskManager(int i) throws IOException {
    Configuration conf = GlobalConfiguration.loadConfiguration(layout.conf().toString());
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
    List<String> jvm =
        new ArrayList<>(
            Arrays.asList(ProcessMemoryUtils.generateJvmParametersStr(spec).split(" ")));
    List<String> args = new ArrayList<>(List.of("--configDir", layout.conf().toString()));
    args.addAll(
        Arrays.asList(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split(" ")));
    args.addAll(List.of("-D", "taskmanager.resource-id=" + taskManagerId(i)));
    String name = taskManagerId(i);
    start(name, javaCommand(name, layout.flinkLib(), jvm, TaskManagerRunner.class.getName(), args));
  }

  public static String taskManagerId(int i) {
    return "tm-" + i;
  }

  /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
  public void kill(String name) throws InterruptedException {
    Process process = processes.remove(name);
    if (process == null) {
      throw new IllegalArgumentException(
          "no running process " + name + " (running: " + processes.keySet() + ")");
    }
    process.destroyForcibly();
    process.waitFor();
  }

  /** The names of the running processes: kafka, jobmanager, tm-1, tm-2, ... */
  public List<String> running() {
    return processes.entrySet().stream()
        .filter(e -> e.getValue().isAlive())
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Waits until {@code count} TaskManagers are registered with the JobManager. */
  public void awaitTaskManagers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> registered = List.of();
    while (System.nanoTime() < deadline) {
      registered = registeredTaskManagers();
      if (registered.size() >= count) {
        return;
      }
      sleep(500);
    }
    StringBuilder unregistered = new StringBuilder();
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (e.getKey().startsWith("tm-") && !registered.contains(e.getKey())) {
        Process process = e.getValue();
        unregistered
            .append("\n  ")
            .append(e.getKey())
            .append(process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")")
            .append(", its log ends with:")
            .append(lastLines(layout.logs().resolve(e.getKey() + ".log"), 8));
      }
    }
    throw new IllegalStateException(
        count
            + " TaskManagers did not register within "
            + timeout
            + " (registered: "
            + registered
            + "); see the logs in "
            + layout.logs()
            + unregistered);
  }

  private List<String> registeredTaskManagers() {
    return LocalRest.object(restPort(), "/taskmanagers")
        .filter(body -> body.has("taskmanagers"))
        .map(
            body -> {
              List<String> ids = new ArrayList<>();
              body.getAsJsonArray("taskmanagers")
                  .forEach(tm -> ids.add(tm.getAsJsonObject().get("id").getAsString()));
              return ids;
            })
        .orElse(List.of());
  }

  private static String lastLines(Path log, int count) {
    try {
      List<String> lines = Files.readAllLines(log);
      StringBuilder tail = new StringBuilder();
      for (String line : lines.subList(Math.max(0, lines.size() - count), lines.size())) {
        tail.append("\n    ").append(line);
      }
      return tail.toString();
    } catch (IOException e) {
      return " (unreadable: " + e.getMessage() + ")";
    }
  }

  private void start(String name, List<String> command) throws IOException {
    Path log = layout.logs().resolve(name + ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    processes.put(name, process);
    Files.writeString(layout.pids().resolve(name + ".pid"), Long.toString(process.pid()));
  }

  private List<String> javaCommand(
      String name, List<String> classpath, List<String> jvm, String mainClass, List<String> args)
      throws IOException {
    Properties jvmSettings = new Properties();
    try (var in = Files.newBufferedReader(layout.projectRoot().resolve("conf/jvm.properties"))) {
      jvmSettings.load(in);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(Arrays.asList(jvmSettings.getProperty("jvm.djl").split(" ")));
    command.addAll(Arrays.asList(jvmSettings.getProperty("jvm.opens").split(" ")));
    command.add("-Dai.djl.pytorch.num_threads=" + jvmSettings.getProperty("jvm.torch.threads"));
    command.add("-Dlog.file=" + layout.logs().resolve(name + ".log"));
    command.add(
        "-Dlog4j.configurationFile="
            + layout.projectRoot().resolve("conf/log4j2-cluster.properties"));
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  private void writeFlinkConfiguration() throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("jobmanager.rpc.address", "127.0.0.1");
    conf.put("jobmanager.rpc.port", String.valueOf(settings.rpcPort()));
    conf.put("jobmanager.bind-host", "127.0.0.1");
    conf.put("taskmanager.bind-host", "127.0.0.1");
    conf.put("taskmanager.host", "127.0.0.1");
    conf.put("rest.address", "127.0.0.1");
    conf.put("rest.bind-address", "127.0.0.1");
    conf.put("rest.port", String.valueOf(settings.restPort()));
    conf.put("jobmanager.memory.process.size", "1g");
    // libtorch's memory is native and outside Flink's budget; the TaskManager's own stays small.
    conf.put("taskmanager.memory.process.size", "1600m");
    conf.put("taskmanager.numberOfTaskSlots", "2");
    // Slots spread over the TaskManagers: K trainers land on K machines (one device each).
    conf.put("taskmanager.load-balance.mode", "SLOTS");
    conf.put("taskmanager.memory.segment-size", FlinkSettings.NETWORK_BUFFER_SIZE);
    conf.put("state.backend.type", "rocksdb");
    conf.put("execution.checkpointing.dir", layout.checkpoints().toUri().toString());
    conf.put("execution.checkpointing.savepoint-dir", layout.savepoints().toUri().toString());
    // A checkpoint that cannot finish (its Kafka transaction waits for a lost broker) fails, and
    // with it the job, which restarts from the last completed one.
    conf.put("execution.checkpointing.timeout", "10 s");
    conf.put("restart-strategy.type", "fixed-delay");
    conf.put("restart-strategy.fixed-delay.attempts", "20");
    conf.put("restart-strategy.fixed-delay.delay", "2 s");
    // A killed TaskManager is noticed in seconds, not after the default 50 s.
    conf.put("heartbeat.interval", "2000");
    conf.put("heartbeat.timeout", "10000");
    conf.put("classloader.parent-first-patterns.additional", "ai.djl.");
    conf.put("io.tmp.dirs", layout.root().resolve("tmp").toString());
    conf.put("web.tmpdir", layout.root().resolve("web").toString());
    StringBuilder yaml = new StringBuilder("# Written by the f2c local cluster.\n");
    conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    Files.writeString(layout.conf().resolve("config.yaml"), yaml.toString());
  }

  private void awaitPort(int port, Duration timeout, String what) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        sleep(300);
      }
    }
    throw new IOException(
        what + " did not open port " + port + " within " + timeout + "; see " + layout.logs());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Whether a cluster started from this layout left process ids that {@link #stop} has not removed.
   */
  public static boolean started(ClusterLayout layout) throws IOException {
    if (!Files.isDirectory(layout.pids())) {
      return false;
    }
    try (var files = Files.list(layout.pids())) {
      return files.findAny().isPresent();
    }
  }

  /**
   * Stops the processes of a cluster started by another JVM ({@code f2c cluster up}), by the
   * process ids it left in its layout; returns their names.
   */
  public static List<String> stop(ClusterLayout layout) throws IOException {
    List<String> stopped = new ArrayList<>();
    if (!Files.isDirectory(layout.pids())) {
      return stopped;
    }
    try (var files = Files.list(layout.pids())) {
      for (Path file : files.sorted().toList()) {
        long pid = Long.parseLong(Files.readString(file).trim());
        ProcessHandle.of(pid)
            .ifPresent(
                process -> {
                  process.destroy();
                  stopped.add(file.getFileName().toString().replace(".pid", ""));
                });
        Files.delete(file);
      }
    }
    return stopped;
  }

  /** Kills every process this object started. */
  @Override
  public void close() {
    for (Process process : processes.values()) {
      process.destroyForcibly();
    }
    for (Process process : processes.values()) {
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
