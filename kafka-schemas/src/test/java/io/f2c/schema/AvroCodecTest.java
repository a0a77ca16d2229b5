package io.f2c.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

  static FaceImage face() {
    return FaceImage.newBuilder()
        .setIdentityId("person-7")
        .setImageId("person-7/3.png")
        .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
        .setFormat(ImageFormat.PNG)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
        .setSource("unit-test")
        .build();
  }

  @Test
  void faceImageRoundTripsThroughSingleObjectEncoding() {
    AvroCodec<FaceImage> codec = AvroCodec.faceImage();
    byte[] bytes = codec.encode(face());
    // Single-object encoding header: C3 01 + 8-byte fingerprint.
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    FaceImage back = codec.decode(bytes);
    assertEquals(face(), back);
    assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xff}, back.getImage().array());
  }

  @Test
  void modelUpdateRoundTrips() {
    ModelUpdate update =
        ModelUpdate.newBuilder()
            .setModelName("f2c")
            .setVersion(42)
            .setTrainingStep(4200)
            .setCreatedAt(Instant.ofEpochMilli(5))
            .setArchitecture("small-cnn")
            .setInput(new InputSpec(112, 3, 1.0f, 127.5f, 128f))
            .setEmbeddingDim(512)
            .setChunkIndex(1)
            .setChunkCount(3)
            .setChunk(ByteBuffer.wrap(new byte[1000]))
            .setSha256("ab".repeat(32))
            .setMetrics(new TrainingMetrics(1.5, 0.25, 10_000L, 300L))
            .build();
    AvroCodec<ModelUpdate> codec = AvroCodec.modelUpdate();
    assertEquals(update, codec.decode(codec.encode(update)));
  }

  @Test
  void garbageIsRejectedWithAReason() {
    AvroCodec<FaceImage> codec = AvroCodec.faceImage();
    var e =
        assertThrows(
            AvroCodec.MalformedRecordException.class,
            () -> codec.decode("hello, not avro".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("bad header"), e.getMessage());
    assertThrows(AvroCodec.MalformedRecordException.class, () -> codec.decode(new byte[0]));
  }

  @Test
  void recordOfAnotherSchemaIsRejectedByFingerprint() {
    byte[] rejected =
        AvroCodec.rejectedRecord()
            .encode(
                RejectedRecord.newBuilder()
                    .setSourceTopic("t")
                    .setSourcePartition(0)
                    .setSourceOffset(1)
                    .setRaw(ByteBuffer.wrap(new byte[0]))
                    .setRawSize(0)
                    .setTruncated(false)
                    .setReason(RejectReason.OTHER)
                    .setMessage("m")
                    .setRejectedAt(Instant.EPOCH)
                    .build());
    var e =
        assertThrows(
            AvroCodec.MalformedRecordException.class, () -> AvroCodec.faceImage().decode(rejected));
    assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
  }

  @Test
  void truncatedRecordIsRejected() {
    byte[] bytes = AvroCodec.faceImage().encode(face());
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 12);
    var e =
        assertThrows(
            AvroCodec.MalformedRecordException.class, () -> AvroCodec.faceImage().decode(cut));
    assertTrue(e.getMessage().startsWith("corrupt FaceImage"), e.getMessage());
  }

  @Test
  void aSchemaThatWasNeverReleasedIsRejectedWithItsFingerprint() {
    // A FaceImage without the "source" field: resolvable in principle, but no release had it.
    Schema older =
        SchemaBuilder.record("FaceImage")
            .namespace("io.f2c.schema")
            .fields()
            .requiredString("identityId")
            .requiredString("imageId")
            .requiredBytes("image")
            .name("format")
            .type(FaceImage.getClassSchema().getField("format").schema())
            .noDefault()
            .name("eventTime")
            .type(FaceImage.getClassSchema().getField("eventTime").schema())
            .noDefault()
            .endRecord();
    GenericRecord old = new GenericData.Record(older);
    old.put("identityId", "a");
    old.put("imageId", "a/1");
    old.put("image", ByteBuffer.wrap(new byte[] {9}));
    old.put("format", new GenericData.EnumSymbol(older.getField("format").schema(), "JPEG"));
    old.put("eventTime", 7L);
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older), old);

    var e =
        assertThrows(
            AvroCodec.MalformedRecordException.class, () -> AvroCodec.faceImage().decode(bytes));
    String fingerprint = String.format("%016x", SchemaNormalization.parsingFingerprint64(older));
    assertTrue(
        e.getMessage().contains("unknown schema fingerprint " + fingerprint), e.getMessage());
  }

  private static byte[] toBytes(BinaryMessageEncoder<GenericRecord> encoder, GenericRecord record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
