package io.f2c.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The FlinkDeployment resources against the Flink Kubernetes Operator's own CRD schema, taken at
 * build time from the operator's API jar (the schema the API server enforces when the resource is
 * applied): every field known, of the right type, required ones present.
 */
class DeploymentSchemasIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CRD =
      Path.of(
          "target",
          "operator-crds",
          "META-INF",
          "fabric8",
          "flinkdeployments.flink.apache.org-v1.yml");
  // The newest operator API jar the registry serves (1.10) predates Flink 2; the operator that runs
  // Flink 2.2 (1.13) adds v2_2 to this enum.
  private static final Map<String, List<Object>> NEWER_VALUES =
      Map.of(".spec.flinkVersion", List.of("v2_2"));

  @SuppressWarnings("unchecked")
  private static Map<String, Object> schema(String apiVersion) throws IOException {
    Map<String, Object> crd = new Yaml().load(Files.readString(CRD));
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    for (Object v : (List<Object>) ((Map<String, Object>) crd.get("spec")).get("versions")) {
      Map<String, Object> entry = (Map<String, Object>) v;
      if (version.equals(entry.get("name"))) {
        return (Map<String, Object>)
            ((Map<String, Object>) entry.get("schema")).get("openAPIV3Schema");
      }
    }
    throw new AssertionError("the operator's CRD has no version " + version);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> flinkDeployments(String file) throws IOException {
    List<Map<String, Object>> found = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(ROOT.resolve("k8s").resolve(file)))) {
      Map<String, Object> resource = (Map<String, Object>) doc;
      if (resource != null && "FlinkDeployment".equals(resource.get("kind"))) {
        found.add(resource);
      }
    }
    assertEquals(1, found.size(), file);
    return found;
  }

  @Test
  void flinkDeploymentsMatchTheOperatorsSchema() throws IOException {
    for (String file : List.of("flink-deployment.yaml", "flink-deployment-gpu.yaml")) {
      for (Map<String, Object> deployment : flinkDeployments(file)) {
        OpenApiSchema schema =
            new OpenApiSchema(schema((String) deployment.get("apiVersion")), NEWER_VALUES);
        assertEquals(List.of(), schema.violations(deployment), file);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSchemaCatchesWhatTheApiServerWouldRefuse() throws IOException {
    Map<String, Object> deployment = flinkDeployments("flink-deployment.yaml").get(0);
    OpenApiSchema schema =
        new OpenApiSchema(schema((String) deployment.get("apiVersion")), NEWER_VALUES);
    Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
    Map<String, Object> jobManager = (Map<String, Object>) spec.get("jobManager");
    jobManager.put("replicaz", 1);
    spec.put("flinkVersion", "v9_9");
    List<String> violations = schema.violations(deployment);
    assertTrue(
        violations.stream().anyMatch(v -> v.startsWith(".spec.jobManager.replicaz: unknown field")),
        violations.toString());
    assertTrue(
        violations.stream().anyMatch(v -> v.startsWith(".spec.flinkVersion: 'v9_9'")),
        violations.toString());
  }
}
