package io.f2c.schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Decodes Avro single-object encoded records into one reader schema, resolving every known writer
 * schema (the released versions). Under an append-only {@link CompatibilityRule}, a record of an
 * unknown (newer) version is read as the reader schema's prefix: its appended fields are skipped.
 */
final class SingleObjectReader<D> {
  private static final int HEADER = 10; // C3 01 + 8-byte fingerprint

  private final GenericData model;
  private final Schema reader;
  private final String typeName;
  private final boolean readNewerAsPrefix;
  private final BinaryMessageDecoder<D> decoder;

  SingleObjectReader(
      GenericData model, Schema reader, List<Schema> knownWriters, boolean readNewerAsPrefix) {
    this.model = model;
    this.reader = reader;
    this.typeName = reader.getName();
    this.readNewerAsPrefix = readNewerAsPrefix;
    this.decoder = new BinaryMessageDecoder<>(model, reader);
    long own = SchemaNormalization.parsingFingerprint64(reader);
    for (Schema writer : knownWriters) {
      if (SchemaNormalization.parsingFingerprint64(writer) != own) {
        decoder.addSchema(writer);
      }
    }
  }

  D decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new AvroCodec.MalformedRecordException("empty record, expected an Avro " + typeName);
    }
    try {
      return decoder.decode(bytes);
    } catch (BadHeaderException e) {
      throw new AvroCodec.MalformedRecordException(
          "not Avro single-object encoding (bad header): expected a " + typeName, e);
    } catch (MissingSchemaException e) {
      if (readNewerAsPrefix) {
        return readAsPrefix(bytes, e);
      }
      throw unknown(bytes, e);
    } catch (IOException | RuntimeException e) {
      throw new AvroCodec.MalformedRecordException(
          "corrupt "
              + typeName
              + " record: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private D readAsPrefix(byte[] bytes, MissingSchemaException cause) {
    try {
      @SuppressWarnings("unchecked")
      DatumReader<D> datumReader = (DatumReader<D>) model.createDatumReader(reader);
      BinaryDecoder body =
          DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
      return datumReader.read(null, body);
    } catch (IOException | RuntimeException e) {
      throw unknown(bytes, cause);
    }
  }

  private AvroCodec.MalformedRecordException unknown(byte[] bytes, Exception cause) {
    return new AvroCodec.MalformedRecordException(
        "unknown schema fingerprint "
            + fingerprint(bytes)
            + ": the record was not written with a released "
            + typeName
            + " schema",
        cause);
  }

  /** The writer fingerprint of a single-object record, as hex (little-endian on the wire). */
  static String fingerprint(byte[] bytes) {
    if (bytes.length < HEADER) {
      return "(truncated header)";
    }
    long value = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return String.format("%016x", value);
  }
}
