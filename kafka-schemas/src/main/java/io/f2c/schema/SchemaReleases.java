package io.f2c.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Every released version of each wire schema, kept as a resource {@code
 * io/f2c/schema/released/<Name>-v<N>.avsc} (one file per version, never edited; {@code SHA256SUMS}
 * beside them holds their checksums). Readers resolve records written with any of them.
 */
public final class SchemaReleases {
  static final String FOLDER = "/io/f2c/schema/released/";

  private SchemaReleases() {}

  /** The resource path of version {@code version} of schema {@code name}. */
  public static String resource(String name, int version) {
    return FOLDER + name + "-v" + version + ".avsc";
  }

  /** The released versions of {@code name}, v1 first. */
  public static List<Schema> of(String name) {
    List<Schema> versions = new ArrayList<>();
    for (int version = 1; ; version++) {
      String text = read(resource(name, version));
      if (text == null) {
        return List.copyOf(versions);
      }
      versions.add(new Schema.Parser().parse(text));
    }
  }

  /** The released text of a version, or null when there is no such version. */
  public static String text(String name, int version) {
    return read(resource(name, version));
  }

  /** File name to SHA-256 (hex) of every released schema, as recorded in SHA256SUMS. */
  public static Map<String, String> recordedChecksums() {
    String sums = read(FOLDER + "SHA256SUMS");
    Map<String, String> checksums = new LinkedHashMap<>();
    if (sums != null) {
      for (String line : sums.split("\n")) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2) {
          checksums.put(parts[1], parts[0]);
        }
      }
    }
    return checksums;
  }

  private static String read(String resource) {
    try (InputStream in = SchemaReleases.class.getResourceAsStream(resource)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
