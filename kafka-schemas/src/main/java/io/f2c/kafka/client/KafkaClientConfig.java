package io.f2c.kafka.client;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How every client of the project reaches Kafka: the bootstrap servers plus the user's own client
 * properties (TLS, SASL, timeouts), read from a file in Kafka's properties format ({@code
 * --kafka-config}). The same settings go to the job's source and sinks, the producer, the
 * subscriber and the admin client. {@link #toString} masks secrets, so the settings can be logged.
 */
public final class KafkaClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Parts of a property name that mark its value as a secret (Kafka's PASSWORD settings). */
  private static final String[] SECRET_MARKS = {
    "password", "secret", "jaas.config", "token", "credential", "keystore.key", "apikey"
  };

  private final String bootstrapServers;
  private final TreeMap<String, String> clientProperties;
  private final String source;

  private KafkaClientConfig(
      String bootstrapServers, Map<String, String> clientProperties, String source) {
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = new TreeMap<>(clientProperties);
    this.source = source;
  }

  /** Plain bootstrap servers and no further settings. */
  public static KafkaClientConfig of(String bootstrapServers) {
    return new KafkaClientConfig(bootstrapServers, Map.of(), "");
  }

  /**
   * Bootstrap servers plus the client properties in {@code file}; an empty path means none.
   *
   * @throws IllegalArgumentException with a one-line reason when the file cannot be read or sets
   *     {@code bootstrap.servers} (that comes from {@code --bootstrap-servers} only)
   */
  public static KafkaClientConfig load(String bootstrapServers, Path file) {
    if (file == null || file.toString().isEmpty()) {
      return of(bootstrapServers);
    }
    Properties loaded = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      loaded.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read --kafka-config "
              + file
              + ": "
              + e
              + " (give a Kafka client properties file)");
    }
    if (loaded.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException(
          "--kafka-config "
              + file
              + " sets bootstrap.servers: remove it there and give --bootstrap-servers H:P");
    }
    Map<String, String> values = new TreeMap<>();
    for (String name : loaded.stringPropertyNames()) {
      values.put(name, loaded.getProperty(name).trim());
    }
    return new KafkaClientConfig(bootstrapServers, values, file.toString());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Properties for a new client: the user's settings and the bootstrap servers, then {@code
   * required} on top (what the project's semantics depend on, such as read_committed, wins).
   */
  public Properties properties(Map<String, String> required) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put("bootstrap.servers", bootstrapServers);
    props.putAll(required);
    return props;
  }

  /** {@link #properties(Map)} with nothing required. */
  public Properties properties() {
    return properties(Map.of());
  }

  /** Whether the value of property {@code name} is a secret that must not be printed. */
  public static boolean isSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String mark : SECRET_MARKS) {
      if (lower.contains(mark)) {
        return true;
      }
    }
    return false;
  }

  /** The settings with every secret replaced by {@code ******}. */
  public Map<String, String> masked() {
    Map<String, String> masked = new TreeMap<>();
    clientProperties.forEach((k, v) -> masked.put(k, isSecret(k) ? "******" : v));
    return masked;
  }

  @Override
  public String toString() {
    String settings =
        masked().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
    return bootstrapServers + (source.isEmpty() ? "" : " with " + source + " {" + settings + "}");
  }
}
