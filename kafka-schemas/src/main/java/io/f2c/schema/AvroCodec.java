package io.f2c.schema;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one wire format of the project: Avro single-object encoding (magic 0xC3 0x01, the 8-byte
 * schema fingerprint, then the binary record). Every producer and consumer, Flink or plain Kafka
 * client, goes through this class.
 *
 * <p>Why single-object rather than bare binary: the fingerprint lets a reader tell a record of
 * another schema (or random bytes) from a valid one and reject it with a clear reason, instead of
 * decoding garbage. When a schema evolves, register the previous writer schema with {@link
 * #withOlderWriterSchema} so records still in Kafka stay readable (the compatibility test
 * guarantees they resolve).
 *
 * <p>Instances are serializable (Flink ships them inside functions); the Avro encoder/decoder are
 * rebuilt lazily.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final List<String> olderWriterSchemas = new ArrayList<>();
  private transient BinaryMessageEncoder<T> encoder;
  private transient BinaryMessageDecoder<T> decoder;

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

  /**
   * Also accept records written with an earlier version of this schema (JSON text), resolved to the
   * current one.
   */
  public AvroCodec<T> withOlderWriterSchema(String schemaJson) {
    olderWriterSchemas.add(schemaJson);
    decoder = null;
    return this;
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
   *     of this schema
   */
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedRecordException("empty record, expected an Avro " + type.getSimpleName());
    }
    try {
      return decoder().decode(bytes);
    } catch (BadHeaderException e) {
      throw new MalformedRecordException(
          "not Avro single-object encoding (bad header): expected a " + type.getSimpleName(), e);
    } catch (MissingSchemaException e) {
      throw new MalformedRecordException(
          "unknown schema fingerprint: the record was not written with the "
              + type.getSimpleName()
              + " schema",
          e);
    } catch (IOException | RuntimeException e) {
      throw new MalformedRecordException(
          "corrupt "
              + type.getSimpleName()
              + " record: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private BinaryMessageEncoder<T> encoder() {
    if (encoder == null) {
      encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema());
    }
    return encoder;
  }

  private BinaryMessageDecoder<T> decoder() {
    if (decoder == null) {
      decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema());
      for (String older : olderWriterSchemas) {
        decoder.addSchema(new Schema.Parser().parse(older));
      }
    }
    return decoder;
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
