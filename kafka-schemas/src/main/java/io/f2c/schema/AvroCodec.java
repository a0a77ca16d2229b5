package io.f2c.schema;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one wire format of the project: Avro single-object encoding (magic 0xC3 0x01, the 8-byte
 * schema fingerprint, then the binary record). Every producer and consumer, Flink or plain Kafka
 * client, goes through this class.
 *
 * <p>Why single-object rather than bare binary: the fingerprint lets a reader tell a record of
 * another schema (or random bytes) from a valid one and reject it with a clear reason, instead of
 * decoding garbage. Records written with any released version of the schema ({@link
 * SchemaReleases}) are resolved to the current one; where the type's {@link CompatibilityRule}
 * appends only, a record of a newer version is read too (its new fields are skipped).
 *
 * <p>Instances are serializable (Flink ships them inside functions); the Avro encoder/decoder are
 * rebuilt lazily.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient BinaryMessageEncoder<T> encoder;
  private transient SingleObjectReader<T> reader;

  private AvroCodec(Class<T> type) {
    this.type = type;
  }

  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type);
  }

  public static AvroCodec<FaceImage> faceImage() {
    return of(FaceImage.class);
  }

  public static AvroCodec<ModelUpdate> modelUpdate() {
    return of(ModelUpdate.class);
  }

  public static AvroCodec<RejectedRecord> rejectedRecord() {
    return of(RejectedRecord.class);
  }

  public Class<T> type() {
    return type;
  }

  public Schema schema() {
    return SpecificData.get().getSchema(type);
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder().encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes one record.
   *
   * @throws MalformedRecordException with a human-readable reason when the bytes are not a record
   *     of this schema (an unknown schema's fingerprint is named)
   */
  public T decode(byte[] bytes) {
    if (reader == null) {
      Schema schema = schema();
      reader =
          new SingleObjectReader<>(
              SpecificData.get(),
              schema,
              SchemaReleases.of(schema.getName()),
              CompatibilityRule.of(schema.getName()).appendOnly());
    }
    return reader.decode(bytes);
  }

  private BinaryMessageEncoder<T> encoder() {
    if (encoder == null) {
      encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema());
    }
    return encoder;
  }

  /** Thrown when bytes are not a valid record of the expected schema. */
  public static final class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
      super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
