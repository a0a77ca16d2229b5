package io.f2c.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the local cluster keeps its files under its root: Flink's configuration, the broker's data,
 * checkpoints, savepoints, logs and process ids; and the classpaths of its processes.
 */
public record ClusterLayout(Path root, Path projectRoot) {
  public Path conf() {
    return root.resolve("conf");
  }

  public Path kafkaData() {
    return root.resolve("kafka");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path savepoints() {
    return root.resolve("savepoints");
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path pids() {
    return root.resolve("pids");
  }

  /** The shaded job jar, as {@code flink run} submits it. */
  public Path jobJar() {
    return projectRoot.resolve("flink-job/target/flink-job-0.1.0-SNAPSHOT-job.jar");
  }

  /** The launcher's whole classpath (Flink, DJL, the embedded broker, the project's modules). */
  public List<String> launcherClasspath() throws IOException {
    Path file = projectRoot.resolve("f2c-cli/target/classpath.txt");
    if (!Files.exists(file)) {
      throw new IOException(file + " is missing: build first (mvn -B -DskipTests package)");
    }
    List<String> entries = new ArrayList<>();
    entries.add(projectRoot.resolve("f2c-cli/target/classes").toString());
    for (String entry : Files.readString(file).trim().split(File.pathSeparator)) {
      entries.add(entry);
    }
    return entries;
  }

  /**
   * What a real cluster's {@code lib/} holds: Flink with its dashboard and RocksDB, DJL and
   * libtorch, logging; not the job (it comes as the shaded jar), not Kafka, Avro or the connector
   * (they are in the job jar), not the broker.
   */
  public List<String> flinkLib() throws IOException {
    List<String> lib = new ArrayList<>();
    for (String entry : launcherClasspath()) {
      String path = entry.replace(File.separatorChar, '/');
      boolean project = Path.of(entry).toAbsolutePath().startsWith(projectRoot.toAbsolutePath());
      boolean jobOwned =
          path.contains("/org/apache/kafka/")
              || path.contains("/flink-connector-kafka/")
              || path.contains("/org/apache/avro/")
              || path.contains("/flink-avro/")
              || path.contains("/org/knowm/")
              || path.contains("/org/scala-lang/");
      if (!project && !jobOwned) {
        lib.add(entry);
      }
    }
    return lib;
  }
}
