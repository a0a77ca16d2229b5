package io.f2c.testing;

import io.f2c.kafka.embedded.EmbeddedKafkaBroker;
import io.f2c.kafka.embedded.LoopbackPorts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An in-process broker whose only client listener is SASL_SSL (PLAIN over TLS), with a TLS key pair
 * made for the test by the JDK's keytool, and the client property files a user would write: one
 * with the right password, one with a wrong one.
 */
public final class SecuredBroker implements AutoCloseable {
  public static final String USER = "f2c-trainer";
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final EmbeddedKafkaBroker broker;
  private final String password;
  private final Path clientConfig;
  private final Path wrongPasswordConfig;

  private SecuredBroker(
      EmbeddedKafkaBroker broker, String password, Path clientConfig, Path wrongPasswordConfig) {
    this.broker = broker;
    this.password = password;
    this.clientConfig = clientConfig;
    this.wrongPasswordConfig = wrongPasswordConfig;
  }

  public static SecuredBroker start(Path dir) throws IOException, InterruptedException {
    String storePass = "store-" + UUID.randomUUID();
    String brokerPass = "broker-" + UUID.randomUUID();
    String password = "user-" + UUID.randomUUID();
    Path keystore = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.crt");
    Path truststore = dir.resolve("truststore.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1,DNS:localhost",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        storePass,
        "-keypass",
        storePass);
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        storePass,
        "-rfc",
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-keystore",
        truststore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        storePass);
    String users =
        " user_broker=" + quoted(brokerPass) + " user_" + USER + "=" + quoted(password) + ";";
    Map<String, String> listener =
        Map.ofEntries(
            Map.entry("sasl.enabled.mechanisms", "PLAIN"),
            Map.entry("sasl.mechanism.inter.broker.protocol", "PLAIN"),
            Map.entry(
                "listener.name.sasl_ssl.plain.sasl.jaas.config",
                PLAIN + " required username=\"broker\" password=" + quoted(brokerPass) + users),
            Map.entry("ssl.keystore.location", keystore.toString()),
            Map.entry("ssl.keystore.type", "PKCS12"),
            Map.entry("ssl.keystore.password", storePass),
            Map.entry("ssl.key.password", storePass),
            Map.entry("ssl.truststore.location", truststore.toString()),
            Map.entry("ssl.truststore.type", "PKCS12"),
            Map.entry("ssl.truststore.password", storePass),
            Map.entry("ssl.client.auth", "none"));
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(
            dir.resolve("kafka"),
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            true,
            "SASL_SSL",
            listener);
    Path good = clientFile(dir.resolve("client.properties"), truststore, storePass, password);
    Path wrong =
        clientFile(
            dir.resolve("wrong-password.properties"), truststore, storePass, "not-" + password);
    return new SecuredBroker(broker, password, good, wrong);
  }

  private static String quoted(String value) {
    return "\"" + value + "\"";
  }

  private static Path clientFile(Path file, Path truststore, String storePass, String password)
      throws IOException {
    String jaas = PLAIN + " required username=" + quoted(USER) + " password=" + quoted(password);
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=PLAIN",
            "sasl.jaas.config=" + jaas + ";",
            "ssl.truststore.location=" + truststore,
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.password=" + storePass,
            ""),
        StandardCharsets.UTF_8);
    return file;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed");
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** Client properties with the right password (SASL_SSL, PLAIN, the test's truststore). */
  public Path clientConfig() {
    return clientConfig;
  }

  public Path wrongPasswordConfig() {
    return wrongPasswordConfig;
  }

  /** The client's password: it must never show in logs or output. */
  public String password() {
    return password;
  }

  /** Failed SASL authentications the broker counted on its client listener (from its JMX). */
  public static long failedAuthentications() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      long total = 0;
      ObjectName pattern =
          new ObjectName("kafka.server:type=socket-server-metrics,listener=SASL_SSL,*");
      for (ObjectName name : server.queryNames(pattern, null)) {
        // One bean per network thread; the per-client-software beans beside them count nothing.
        if (name.getKeyPropertyList().size() == 3
            && name.getKeyProperty("networkProcessor") != null) {
          Object value = server.getAttribute(name, "failed-authentication-total");
          total += ((Number) value).longValue();
        }
      }
      return total;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the broker's authentication metrics", e);
    }
  }

  @Override
  public void close() {
    broker.close();
  }
}
