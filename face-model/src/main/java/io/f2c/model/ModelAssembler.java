package io.f2c.model;

import io.f2c.schema.ModelUpdate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Puts ModelUpdate chunks back together. A version is complete when all its chunks arrived and the
 * SHA-256 of their concatenation matches; a version whose checksum fails is dropped (and reported),
 * never handed out. Chunks of an older version than one already completed are ignored.
 */
public final class ModelAssembler {
  private final Map<String, Partial> partials = new HashMap<>();
  private final Map<String, Long> completed = new HashMap<>();

  /** A complete, verified model version. */
  public record Complete(ModelUpdate header, byte[] blob) {}

  /** Thrown for a version whose chunks do not add up to its checksum. */
  public static final class CorruptModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CorruptModelException(String message) {
      super(message);
    }
  }

  private static final class Partial {
    final long version;
    final ByteBuffer[] chunks;
    int received;

    Partial(long version, int count) {
      this.version = version;
      this.chunks = new ByteBuffer[count];
    }
  }

  /** Adds a chunk; returns the version once it is complete and verified. */
  public Optional<Complete> add(ModelUpdate chunk) {
    String name = chunk.getModelName();
    if (chunk.getVersion() <= completed.getOrDefault(name, Long.MIN_VALUE)) {
      return Optional.empty();
    }
    if (chunk.getChunkCount() < 1) {
      // Checked before a partial version is made: a negative count would not even make one.
      throw new CorruptModelException(
          "model "
              + name
              + " v"
              + chunk.getVersion()
              + ": a chunk count of "
              + chunk.getChunkCount());
    }
    Partial partial = partials.get(name);
    if (partial == null || partial.version != chunk.getVersion()) {
      partial = new Partial(chunk.getVersion(), chunk.getChunkCount());
      partials.put(name, partial);
    }
    int index = chunk.getChunkIndex();
    if (index < 0
        || index >= partial.chunks.length
        || chunk.getChunkCount() != partial.chunks.length) {
      partials.remove(name);
      throw new CorruptModelException(
          "model "
              + name
              + " v"
              + chunk.getVersion()
              + ": chunk "
              + index
              + " of "
              + chunk.getChunkCount()
              + " does not fit a version of "
              + partial.chunks.length
              + " chunks");
    }
    if (partial.chunks[index] == null) {
      partial.received++;
    }
    partial.chunks[index] = chunk.getChunk().duplicate();
    if (partial.received < partial.chunks.length) {
      return Optional.empty();
    }
    partials.remove(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer part : partial.chunks) {
      byte[] bytes = new byte[part.remaining()];
      part.duplicate().get(bytes);
      out.writeBytes(bytes);
    }
    byte[] blob = out.toByteArray();
    String sha = sha256Hex(blob);
    if (!sha.equals(chunk.getSha256())) {
      throw new CorruptModelException(
          "model "
              + name
              + " v"
              + chunk.getVersion()
              + ": SHA-256 "
              + sha
              + " does not match the published "
              + chunk.getSha256());
    }
    completed.put(name, chunk.getVersion());
    return Optional.of(new Complete(chunk, blob));
  }

  /** Hex SHA-256 of a model blob, as carried in every ModelUpdate chunk. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
