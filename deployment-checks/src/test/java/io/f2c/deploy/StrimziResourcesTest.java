package io.f2c.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * k8s/kafka.yaml read by Strimzi's own resource model (io.strimzi:api 0.51, the newest built for
 * Java 17; 1.x needs Java 21): every resource is a kind Strimzi knows at API version v1, every enum
 * value is one it accepts (an unknown one fails to parse), and no field is left over that the model
 * does not declare (Strimzi keeps those aside, and its operator ignores them with a warning).
 */
class StrimziResourcesTest {
  private static final Path FILE = Path.of("..", "k8s", "kafka.yaml");
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Kafka", Kafka.class,
          "KafkaNodePool", KafkaNodePool.class,
          "KafkaTopic", KafkaTopic.class,
          "KafkaUser", KafkaUser.class);

  /** The file's documents as parsed YAML, a fresh copy on every call. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents() throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(FILE))) {
      documents.add((Map<String, Object>) doc);
    }
    return documents;
  }

  /** One document read by Strimzi's model. */
  private static HasMetadata model(Map<String, Object> resource) {
    String kind = (String) resource.get("kind");
    assertTrue(KINDS.containsKey(kind), "not a Strimzi kind: " + kind);
    assertEquals("kafka.strimzi.io/v1", resource.get("apiVersion"), kind);
    return new KubernetesSerialization().convertValue(resource, KINDS.get(kind));
  }

  private static List<HasMetadata> resources() throws IOException {
    List<HasMetadata> resources = new ArrayList<>();
    for (Map<String, Object> resource : documents()) {
      resources.add(model(resource));
    }
    return resources;
  }

  private static List<String> unknownFields(HasMetadata resource) throws Exception {
    List<String> unknown = new ArrayList<>();
    collectUnknown(resource, resource.getKind(), unknown, new IdentityHashMap<>());
    return unknown;
  }

  @Test
  void everyFieldIsOneStrimziDeclares() throws Exception {
    List<HasMetadata> resources = resources();
    for (HasMetadata resource : resources) {
      assertEquals(
          List.of(),
          unknownFields(resource),
          resource.getKind() + " " + resource.getMetadata().getName());
    }
    Set<String> kinds = Set.copyOf(resources.stream().map(HasMetadata::getKind).toList());
    assertEquals(KINDS.keySet(), kinds);
  }

  /**
   * The positive control of {@link #everyFieldIsOneStrimziDeclares}: fields the model does not
   * declare, put into a copy of the file's Kafka resource at the top of its spec and deep inside it
   * (a listener), are each reported.
   */
  @Test
  @SuppressWarnings("unchecked")
  void anUndeclaredFieldIsReportedAtAnyDepth() throws Exception {
    Map<String, Object> kafka =
        documents().stream().filter(d -> "Kafka".equals(d.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> spec = (Map<String, Object>) kafka.get("spec");
    spec.put("bogusSpecField", 1);
    Map<String, Object> cluster = (Map<String, Object>) spec.get("kafka");
    List<Map<String, Object>> listeners = (List<Map<String, Object>>) cluster.get("listeners");
    listeners.get(0).put("bogusListenerField", "x");
    List<String> unknown = unknownFields(model(kafka));
    assertEquals(2, unknown.size(), unknown.toString());
    assertTrue(
        unknown.stream().anyMatch(u -> u.endsWith("getSpec: [bogusSpecField]")),
        unknown.toString());
    assertTrue(
        unknown.stream().anyMatch(u -> u.endsWith("getListeners[0]: [bogusListenerField]")),
        unknown.toString());
  }

  @Test
  void theTrainersListenerIsTlsWithScram() throws IOException {
    Kafka kafka =
        (Kafka) resources().stream().filter(r -> r instanceof Kafka).findFirst().orElseThrow();
    List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
    GenericKafkaListener first = listeners.get(0);
    assertTrue(first.isTls(), "the job's bootstrap listener uses TLS");
    assertEquals("scram-sha-512", first.getAuth().getType());
    assertTrue(
        listeners.stream().allMatch(l -> l.isTls() && l.getAuth() != null),
        "no plaintext or unauthenticated listener");
  }

  /** Fields the model did not declare, kept in getAdditionalProperties() anywhere in the tree. */
  private static void collectUnknown(
      Object node, String path, List<String> out, Map<Object, Boolean> seen) throws Exception {
    if (node == null || seen.put(node, true) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknown(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        collectUnknown(e.getValue(), path + "." + e.getKey(), out, seen);
      }
      return;
    }
    String type = node.getClass().getName();
    if (!type.startsWith("io.strimzi.") && !type.startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = getter.invoke(node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          out.add(path + ": " + extra.keySet());
        }
      } else {
        collectUnknown(value, path + "." + getter.getName(), out, seen);
      }
    }
  }
}
