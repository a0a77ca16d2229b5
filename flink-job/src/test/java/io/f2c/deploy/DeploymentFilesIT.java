package io.f2c.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.f2c.job.F2cJob;
import io.f2c.job.config.F2cConfig;
import io.f2c.job.config.F2cOptions;
import io.f2c.job.config.JobOptions;
import io.f2c.job.runtime.FlinkSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine or Kubernetes cluster runs here, so the deployment files are checked against the
 * code: topic names, the job's main class, the Kafka address, Flink configuration keys (real Flink
 * options, same values as the job's own settings) and the jar they mount. Runs after {@code
 * package}, so the shaded jar exists.
 */
class DeploymentFilesIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> TOPICS =
      List.of(
          F2cOptions.IMAGES_TOPIC.defaultValue(),
          F2cOptions.DEAD_LETTER_TOPIC.defaultValue(),
          F2cOptions.MODELS_TOPIC.defaultValue());

  /**
   * The image whose entrypoint {@link #emulatedEntrypoint} was written from. The script is not in
   * this repository and cannot be fetched by a test, so the emulation holds only for this image:
   * the compose file must run exactly it.
   */
  static final String EMULATED_IMAGE = "flink:2.2.1-java17";

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertNotNull(o);
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> compose() throws IOException {
    return map(new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))));
  }

  private static List<Map<String, Object>> k8s(String file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(ROOT.resolve("k8s").resolve(file)))) {
      docs.add(map(doc));
    }
    return docs;
  }

  @Test
  void composeCreatesTheTopicsAndRunsTheJobAgainstItsKafka() throws IOException {
    Map<String, Object> services = map(compose().get("services"));
    String init = String.join("\n", (List<String>) map(services.get("kafka-init")).get("command"));
    for (String topic : TOPICS) {
      assertTrue(init.contains(topic + ":"), "kafka-init does not create " + topic);
    }
    String command = (String) map(services.get("jobmanager")).get("command");
    assertTrue(command.contains("--job-classname " + F2cJob.class.getName()), command);
    String advertised =
        (String)
            map(map(services.get("kafka")).get("environment")).get("KAFKA_ADVERTISED_LISTENERS");
    String internal = advertised.split(",")[0].replace("PLAINTEXT://", "");
    assertTrue(command.contains("--bootstrap-servers " + internal), command + " vs " + advertised);
    // The job's own flag parser accepts the arguments the deployment passes.
    F2cConfig parsed =
        F2cConfig.parse(
            JobOptions.CLUSTER_JOB,
            command
                .replaceFirst("^.*?--bootstrap-servers", "--bootstrap-servers")
                .trim()
                .split("\\s+"));
    assertEquals(internal, parsed.get(F2cOptions.BOOTSTRAP_SERVERS));
  }

  @Test
  void composeFlinkPropertiesSurviveTheImageEntrypointAndAgreeWithTheJob() throws IOException {
    Map<String, Object> services = map(compose().get("services"));
    for (String service : List.of("jobmanager", "taskmanager")) {
      Map<String, Object> env = map(map(services.get(service)).get("environment"));
      String props = (String) env.get("FLINK_PROPERTIES");
      Map<String, String> asWritten = new HashMap<>();
      props
          .lines()
          .filter(l -> !l.isBlank())
          .forEach(
              l -> {
                int colon = l.indexOf(':');
                asWritten.put(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
              });
      // The emulation leaves out envsubst (it replaces $VAR in values): there must be none.
      assertTrue(!props.contains("$"), service + ": FLINK_PROPERTIES refers to a variable");
      Map<String, String> asApplied = emulatedEntrypoint(props);
      assertEquals(asWritten, asApplied, service + ": a FLINK_PROPERTIES value has a space");
      assertFlinkConfigAgrees(service, asApplied);
      // JVM options reach the JVM through Flink's scripts, one flag per option.
      String javaOpts =
          (String)
              env.get(
                  service.equals("jobmanager")
                      ? "FLINK_ENV_JAVA_OPTS_JM"
                      : "FLINK_ENV_JAVA_OPTS_TM");
      List<String> flags = List.of(javaOpts.trim().split("\\s+"));
      assertTrue(flags.contains("-Dai.djl.offline=true"), service + ": " + flags);
      if (service.equals("taskmanager")) {
        assertTrue(flags.contains("-Dai.djl.pytorch.num_threads=2"), flags.toString());
        assertTrue(flags.contains("-Dai.djl.pytorch.num_interop_threads=1"), flags.toString());
      }
      assertTrue(
          !env.containsKey("FLINK_ENV_JAVA_OPTS"),
          "FLINK_ENV_JAVA_OPTS would replace the image's env.java.opts.all (Java 17's --add-opens)");
    }
  }

  /**
   * An emulation, not the real script: what process_flink_properties in the entrypoint of {@link
   * #EMULATED_IMAGE} (apache/flink-docker, 2.2/scala_2.12-java17-ubuntu/docker-entrypoint.sh as of
   * its 2.2.1 release) makes of FLINK_PROPERTIES. Each line loses all whitespace ({@code tr -d
   * '[:space:]'}, FLINK-38587), then {@code IFS=':' read -r key value} splits it at its first
   * colon; envsubst on the value is left out. A proposed upstream change (apache/flink-docker
   * abe216f) trims each line instead; a newer image may have it, so {@link
   * #theComposeFileRunsTheEmulatedImage} pins the image.
   */
  static Map<String, String> emulatedEntrypoint(String flinkProperties) {
    Map<String, String> applied = new HashMap<>();
    for (String line : flinkProperties.split("\n")) {
      String prop = line.replaceAll("\\s", "");
      if (prop.isEmpty()) {
        continue;
      }
      int colon = prop.indexOf(':');
      applied.put(
          colon < 0 ? prop : prop.substring(0, colon), colon < 0 ? "" : prop.substring(colon + 1));
    }
    return applied;
  }

  /**
   * Checks the emulation against what FLINK-38587 reports, not against the script: the line the
   * compose file used to carry had its flags glued into one.
   */
  @Test
  void theEmulationGluesJvmOptionsAsFlink38587Reports() {
    Map<String, String> applied =
        emulatedEntrypoint(
            "env.java.opts.all: -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2\n");
    assertEquals(
        "-Dai.djl.offline=true-Dai.djl.pytorch.num_threads=2", applied.get("env.java.opts.all"));
  }

  /**
   * What makes the emulation's claim checkable here: every Flink container of the compose file runs
   * the image it was written from. Changing the image fails this test until the emulation has been
   * compared with that image's /docker-entrypoint.sh and EMULATED_IMAGE updated.
   */
  @Test
  void theComposeFileRunsTheEmulatedImage() throws IOException {
    Map<String, Object> services = map(compose().get("services"));
    Map<String, Object> flinkImages = new TreeMap<>();
    services.forEach(
        (name, service) -> {
          Object image = map(service).get("image");
          if (image instanceof String tag && tag.contains("flink:")) {
            flinkImages.put(name, tag);
          }
        });
    assertEquals(
        Map.of(
            "flink-volumes-init", EMULATED_IMAGE,
            "jobmanager", EMULATED_IMAGE,
            "taskmanager", EMULATED_IMAGE),
        flinkImages);
  }

  @Test
  void taskManagersGetTheAllocatorSettingsOfConfAllocatorEnv() throws IOException {
    Properties allocator = new Properties();
    try (Reader in = Files.newBufferedReader(ROOT.resolve("conf").resolve("allocator.env"))) {
      allocator.load(in);
    }
    String noDecay = allocator.getProperty("MALLOC_CONF");
    assertEquals("dirty_decay_ms:-1,muzzy_decay_ms:-1", noDecay);
    Map<String, Object> services = map(compose().get("services"));
    assertEquals("conf/allocator.env", map(services.get("taskmanager")).get("env_file"));
    // A FlinkDeployment cannot read a file of this repository: its copy must agree.
    Map<String, Object> conf =
        map(map(k8s("flink-deployment.yaml").get(0).get("spec")).get("flinkConfiguration"));
    assertEquals(
        noDecay,
        conf.get(ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX + "MALLOC_CONF"));
  }

  @Test
  void composeMountsTheBuiltJobJarAndDjlForFlinksLibFolder() throws IOException {
    Map<String, Object> services = map(compose().get("services"));
    List<String> volumes = (List<String>) map(services.get("jobmanager")).get("volumes");
    String jarMount =
        volumes.stream().filter(v -> v.contains("/opt/flink/usrlib/")).findFirst().orElseThrow();
    Path jar = ROOT.resolve(jarMount.split(":")[0]).normalize();
    assertTrue(
        Files.isRegularFile(jar), "compose mounts " + jar + " which the build does not produce");
    try (JarFile jobJar = new JarFile(jar.toFile())) {
      assertNotNull(jobJar.getEntry("io/f2c/job/F2cJob.class"));
      assertNotNull(jobJar.getEntry("io/f2c/schema/FaceImage.class"));
      assertNotNull(jobJar.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"));
      // Flink itself and DJL come from the cluster's lib/, not from the job jar.
      assertEquals(
          null,
          jobJar.getEntry(
              "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"));
      assertEquals(null, jobJar.getEntry("ai/djl/Model.class"));
      assertEquals(
          F2cJob.class.getName(), jobJar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    String libMount =
        volumes.stream().filter(v -> v.contains("/opt/flink/lib/")).findFirst().orElseThrow();
    try (Stream<Path> libs = Files.list(ROOT.resolve(libMount.split(":")[0]).normalize())) {
      List<String> names = libs.map(p -> p.getFileName().toString()).collect(Collectors.toList());
      assertTrue(
          names.stream().anyMatch(n -> n.startsWith("pytorch-native-cpu")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("pytorch-engine")), names.toString());
    }
    String dockerfile = Files.readString(ROOT.resolve("k8s").resolve("Dockerfile"));
    assertTrue(
        dockerfile.contains(jarMount.split(":")[0].replaceFirst("^\\./", "")),
        "k8s/Dockerfile copies another jar");
  }

  @Test
  void composeFileIsValidForDockerCompose() throws Exception {
    boolean installed =
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "docker-compose")));
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI must install docker-compose (.ci/run does: apt-get install docker-compose)");
    }
    assumeTrue(
        installed,
        "SKIPPED: docker-compose is not installed; apt-get install docker-compose to validate");
    // The CPU setup, and the GPU override on top of it.
    for (List<String> files :
        List.of(
            List.of("-f", "docker-compose.yml"),
            List.of("-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml"))) {
      List<String> command = new ArrayList<>(List.of("docker-compose"));
      command.addAll(files);
      command.addAll(List.of("config", "-q"));
      Process process =
          new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue(), files + ": " + output);
    }
  }

  @Test
  void kubernetesResourcesAgreeWithTheCode() throws IOException {
    Map<String, Object> deployment = k8s("flink-deployment.yaml").get(0);
    assertEquals("FlinkDeployment", deployment.get("kind"));
    Map<String, Object> spec = map(deployment.get("spec"));
    Map<String, Object> job = map(spec.get("job"));
    assertEquals(F2cJob.class.getName(), job.get("entryClass"));
    assertEquals("local:///opt/flink/usrlib/f2c-job.jar", job.get("jarURI"));
    List<String> args = (List<String>) job.get("args");
    F2cConfig parsed = F2cConfig.parse(JobOptions.CLUSTER_JOB, args.toArray(new String[0]));

    List<Map<String, Object>> kafka = k8s("kafka.yaml");
    Map<String, Object> cluster =
        kafka.stream().filter(d -> "Kafka".equals(d.get("kind"))).findFirst().orElseThrow();
    String clusterName = (String) map(cluster.get("metadata")).get("name");
    List<Map<String, Object>> listeners =
        (List<Map<String, Object>>) map(map(cluster.get("spec")).get("kafka")).get("listeners");
    assertEquals(
        clusterName + "-kafka-bootstrap:" + listeners.get(0).get("port"),
        parsed.get(F2cOptions.BOOTSTRAP_SERVERS));
    List<String> topics =
        kafka.stream()
            .filter(d -> "KafkaTopic".equals(d.get("kind")))
            .peek(
                d ->
                    assertEquals(
                        clusterName,
                        map(map(d.get("metadata")).get("labels")).get("strimzi.io/cluster")))
            .map(d -> (String) map(d.get("metadata")).get("name"))
            .collect(Collectors.toList());
    assertTrue(topics.containsAll(TOPICS), topics.toString());

    Map<String, String> conf = new HashMap<>();
    map(spec.get("flinkConfiguration")).forEach((k, v) -> conf.put(k, String.valueOf(v)));
    assertFlinkConfigAgrees("FlinkDeployment", conf);
  }

  /**
   * Every key is a real Flink option, and each setting the job makes itself has the same value
   * there.
   */
  private static void assertFlinkConfigAgrees(String where, Map<String, String> deployed) {
    Map<String, ConfigOption<?>> known = FlinkKeys.all();
    for (String key : deployed.keySet()) {
      // Environment variables for the task managers' containers are a key prefix, not declared
      // options.
      boolean containerEnv =
          key.startsWith(ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX)
              && key.length()
                  > ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX.length();
      assertTrue(
          known.containsKey(key) || containerEnv || isReporterOption(key),
          where + ": '" + key + "' is not a Flink configuration key");
    }
    Configuration fromFile = Configuration.fromMap(deployed);
    Configuration fromCode = FlinkSettings.jobConfiguration(F2cConfig.defaults(), false);
    for (String key : fromCode.keySet()) {
      ConfigOption<?> option = known.get(key);
      assertNotNull(option, "unknown key in FlinkSettings: " + key);
      assertTrue(
          deployed.containsKey(key), where + " does not set " + key + " (the job relies on it)");
      assertEquals(fromCode.get(option), fromFile.get(option), where + ": " + key);
    }
  }

  /** metrics.reporter.NAME.OPTION: one of Flink's reporter options, or the Prometheus port. */
  private static boolean isReporterOption(String key) {
    String prefix = ConfigConstants.METRICS_REPORTER_PREFIX;
    int dot = key.startsWith(prefix) ? key.indexOf('.', prefix.length()) : -1;
    return dot > 0
        && Set.of(
                MetricOptions.REPORTER_FACTORY_CLASS.key(),
                MetricOptions.REPORTER_INTERVAL.key(),
                MetricOptions.REPORTER_SCOPE_DELIMITER.key(),
                MetricOptions.REPORTER_EXCLUDED_VARIABLES.key(),
                "port") // the Prometheus reporter's own option
            .contains(key.substring(dot + 1));
  }
}
