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

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> resources() throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<HasMetadata> resources = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(FILE))) {
      Map<String, Object> resource = (Map<String, Object>) doc;
      String kind = (String) resource.get("kind");
      assertTrue(KINDS.containsKey(kind), "not a Strimzi kind: " + kind);
      assertEquals("kafka.strimzi.io/v1", resource.get("apiVersion"), kind);
      resources.add(serialization.convertValue(resource, KINDS.get(kind)));
    }
    return resources;
  }

  @Test
  void everyFieldIsOneStrimziDeclares() throws Exception {
    List<HasMetadata> resources = resources();
    for (HasMetadata resource : resources) {
      List<String> unknown = new ArrayList<>();
      collectUnknown(resource, resource.getKind(), unknown, new IdentityHashMap<>());
      assertEquals(List.of(), unknown, resource.getKind() + " " + resource.getMetadata().getName());
    }
    Set<String> kinds = Set.copyOf(resources.stream().map(HasMetadata::getKind).toList());
    assertEquals(KINDS.keySet(), kinds);
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
