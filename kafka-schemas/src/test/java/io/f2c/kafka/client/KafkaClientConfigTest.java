package io.f2c.kafka.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"f2c\""
          + " password=\"s3cret-value\";";

  @Test
  void readsKafkasPropertiesFormatAndMasksSecrets(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        "# a comment\n"
            + "security.protocol=SASL_SSL\n"
            + "sasl.mechanism=PLAIN\n"
            + "sasl.jaas.config="
            + JAAS
            + "\n"
            + "ssl.truststore.location=/etc/kafka/truststore.p12\n"
            + "ssl.truststore.password=trust-pass\n"
            + "isolation.level=read_uncommitted\n");
    KafkaClientConfig config = KafkaClientConfig.load("broker:9093", file);

    Properties props = config.properties(Map.of("isolation.level", "read_committed"));
    assertEquals("broker:9093", props.get("bootstrap.servers"));
    assertEquals("SASL_SSL", props.get("security.protocol"));
    assertEquals(JAAS, props.get("sasl.jaas.config"));
    assertEquals("read_committed", props.get("isolation.level"), "required settings win");

    String shown = config.toString();
    assertFalse(shown.contains("s3cret-value"), shown);
    assertFalse(shown.contains("trust-pass"), shown);
    assertTrue(shown.contains("sasl.jaas.config=******"), shown);
    assertTrue(shown.contains("ssl.truststore.location=/etc/kafka/truststore.p12"), shown);
    assertTrue(shown.contains("security.protocol=SASL_SSL"), shown);
  }

  @Test
  void secretsAreRecognisedByName() {
    for (String name :
        new String[] {
          "sasl.jaas.config",
          "ssl.key.password",
          "ssl.keystore.password",
          "ssl.truststore.password",
          "ssl.keystore.key",
          "sasl.oauthbearer.client.credentials.client.secret"
        }) {
      assertTrue(KafkaClientConfig.isSecret(name), name);
    }
    for (String name :
        new String[] {"security.protocol", "sasl.mechanism", "ssl.truststore.location"}) {
      assertFalse(KafkaClientConfig.isSecret(name), name);
    }
  }

  @Test
  void badFilesGetOneLineReasons(@TempDir Path dir) throws IOException {
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaClientConfig.load("h:1", dir.resolve("absent.properties")));
    assertTrue(missing.getMessage().startsWith("cannot read --kafka-config"), missing.getMessage());
    assertFalse(missing.getMessage().contains("\n"));

    Path withBootstrap = dir.resolve("b.properties");
    Files.writeString(withBootstrap, "bootstrap.servers=other:9092\n");
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaClientConfig.load("h:1", withBootstrap));
    assertTrue(e.getMessage().contains("give --bootstrap-servers"), e.getMessage());

    assertEquals("h:1", KafkaClientConfig.load("h:1", Path.of("")).toString());
    Properties plain = new Properties();
    plain.put("bootstrap.servers", "h:1");
    assertEquals(plain, KafkaClientConfig.of("h:1").properties(), "no settings but the servers");
  }
}
