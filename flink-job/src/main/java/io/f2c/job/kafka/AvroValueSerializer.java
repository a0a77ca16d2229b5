package io.f2c.job.kafka;

import io.f2c.schema.AvroCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink's side of the project's one wire format: record values written with {@link AvroCodec}. */
public final class AvroValueSerializer<T extends SpecificRecord> implements SerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final AvroCodec<T> codec;

  public AvroValueSerializer(AvroCodec<T> codec) {
    this.codec = codec;
  }

  @Override
  public byte[] serialize(T element) {
    return codec.encode(element);
  }
}
