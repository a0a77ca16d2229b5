package io.f2c.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The other direction of {@link SchemaEvolutionTest}: records the current code writes, on the wire,
 * read by the readers of older releases, as each topic's {@link CompatibilityRule} demands. A
 * subscriber of the previous release reads the face-models topic long after the trainer moved on.
 */
class PreviousReleaseDecodesCurrentTest {
  private static final int HEADER = 10; // C3 01 + the writer schema's 8-byte fingerprint

  /** A current ModelUpdate with a distinct value in every field, v2's and v3's included. */
  private static ModelUpdate currentUpdate() {
    return ModelUpdate.newBuilder()
        .setModelName("f2c-prod")
        .setVersion(17)
        .setTrainingStep(34_000)
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_123_456L))
        .setArchitecture("small-cnn")
        .setInput(new InputSpec(112, 3, 0.875f, 127.5f, 128f))
        .setEmbeddingDim(128)
        .setChunkIndex(2)
        .setChunkCount(5)
        .setChunk(ByteBuffer.wrap(new byte[] {9, 8, 7, (byte) 0xff, 0}))
        .setSha256("cd".repeat(32))
        .setMetrics(new TrainingMetrics(0.75, 0.5, 123_456L, 789L))
        .setTestTimeFlip(true)
        .setFormat("onnx")
        .setVerificationThreshold(0.375f)
        .build();
  }

  @Test
  void theModelUpdateReleaseBeforeTheCurrentOneDecodesACurrentRecordFromTheWire()
      throws IOException {
    List<Schema> released = SchemaReleases.of("ModelUpdate");
    Schema current = AvroCodec.modelUpdate().schema();
    assertEquals(3, released.size(), "v2 is the release before the current v3");
    Schema v2 = released.get(1);
    assertNull(v2.getField("verificationThreshold"), "v2 predates verificationThreshold");
    assertNull(released.get(0).getField("testTimeFlip"), "v1 predates testTimeFlip");
    assertEquals(
        fingerprint(released.get(2)), fingerprint(current), "the current schema is released v3");

    byte[] bytes = AvroCodec.modelUpdate().encode(currentUpdate());
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    long writer = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(fingerprint(current), writer, "written with the current schema");
    assertNotEquals(fingerprint(v2), writer, "a fingerprint a v2 reader does not know");

    // Avro's resolution, writer = current and reader = v2: the appended fields are skipped.
    BinaryDecoder body = body(bytes);
    GenericRecord resolved = new GenericDatumReader<GenericRecord>(current, v2).read(null, body);
    assertTrue(body.isEnd(), "the whole record was read");
    assertEveryV2FieldSurvived(v2, resolved);

    // What a v2 subscriber's codec does: it knows only v1 and v2, so it reads v2's prefix.
    GenericRecord viaCodec = previousReleaseCodec("ModelUpdate", 1).decode(bytes);
    assertEveryV2FieldSurvived(v2, viaCodec);
  }

  /** Every field of v2, value by value (written by hand above, not derived from the schema). */
  private static void assertEveryV2FieldSurvived(Schema v2, GenericRecord read) {
    assertEquals(v2, read.getSchema(), "read as v2");
    List<String> checked =
        List.of(
            "modelName",
            "version",
            "trainingStep",
            "createdAt",
            "architecture",
            "input",
            "embeddingDim",
            "chunkIndex",
            "chunkCount",
            "chunk",
            "sha256",
            "metrics",
            "testTimeFlip");
    assertEquals(checked, v2.getFields().stream().map(Schema.Field::name).toList(), "all of v2's");
    assertEquals("f2c-prod", read.get("modelName").toString());
    assertEquals(17L, read.get("version"));
    assertEquals(34_000L, read.get("trainingStep"));
    assertEquals(1_700_000_123_456L, read.get("createdAt"), "timestamp-millis, as a long");
    assertEquals("small-cnn", read.get("architecture").toString());
    GenericRecord input = (GenericRecord) read.get("input");
    assertEquals(112, input.get("size"));
    assertEquals(3, input.get("channels"));
    assertEquals(0.875f, input.get("cropFraction"));
    assertEquals(127.5f, input.get("normMean"));
    assertEquals(128f, input.get("normScale"));
    assertEquals(128, read.get("embeddingDim"));
    assertEquals(2, read.get("chunkIndex"));
    assertEquals(5, read.get("chunkCount"));
    ByteBuffer chunk = ((ByteBuffer) read.get("chunk")).duplicate();
    byte[] chunkBytes = new byte[chunk.remaining()];
    chunk.get(chunkBytes);
    assertArrayEquals(new byte[] {9, 8, 7, (byte) 0xff, 0}, chunkBytes);
    assertEquals("cd".repeat(32), read.get("sha256").toString());
    GenericRecord metrics = (GenericRecord) read.get("metrics");
    assertEquals(0.75, metrics.get("loss"));
    assertEquals(0.5, metrics.get("poolOccupancy"));
    assertEquals(123_456L, metrics.get("imagesSeen"));
    assertEquals(789L, metrics.get("identitiesSeen"));
    assertEquals(true, read.get("testTimeFlip"));
  }

  /**
   * Each topic's rule, for every release older than the current schema: where the rule says that
   * release reads current records, its codec and Avro's resolution both give back every field it
   * has; where it does not, an append-only topic's old codec still reads the prefix, and any other
   * refuses the record by its fingerprint instead of decoding garbage.
   */
  @Test
  void everyTopicsRuleHoldsForTheOlderReleasesReadingACurrentRecord() throws IOException {
    Map<String, List<String>> outcomes = new TreeMap<>();
    for (String name : List.of("FaceImage", "ModelUpdate", "RejectedRecord")) {
      CompatibilityRule rule = CompatibilityRule.of(name);
      Schema current = SchemaEvolutionTest.source(name);
      List<Schema> released = SchemaReleases.of(name);
      GenericRecord written = SchemaEvolutionTest.sample(current, name + ".now");
      byte[] bytes = SchemaEvolutionTest.encode(current, written);
      int previous = released.size() - 1;
      while (previous >= 0 && fingerprint(released.get(previous)) == fingerprint(current)) {
        previous--;
      }
      List<String> outcome = new ArrayList<>();
      for (int v = 0; v <= previous; v++) {
        Schema older = released.get(v);
        boolean mustRead = rule.oldReadersReadEveryNewer() || (rule.appendOnly() && v == previous);
        SingleObjectReader<GenericRecord> codec = previousReleaseCodec(name, v);
        String what = name + " v" + (v + 1) + " reading the current version";
        if (mustRead || rule.appendOnly()) {
          BinaryDecoder body = body(bytes);
          GenericRecord resolved =
              new GenericDatumReader<GenericRecord>(current, older).read(null, body);
          GenericRecord viaCodec = codec.decode(bytes);
          for (Schema.Field field : older.getFields()) {
            String expected = GenericData.get().toString(written.get(field.name()));
            assertEquals(expected, GenericData.get().toString(resolved.get(field.name())), what);
            assertEquals(expected, GenericData.get().toString(viaCodec.get(field.name())), what);
          }
          outcome.add("v" + (v + 1) + " reads");
        } else {
          var e = assertThrows(AvroCodec.MalformedRecordException.class, () -> codec.decode(bytes));
          assertTrue(e.getMessage().contains("unknown schema fingerprint"), what + ": " + e);
          outcome.add("v" + (v + 1) + " refuses");
        }
      }
      outcomes.put(name, outcome);
    }
    // FaceImage: only the job reads it, so its v1 readers need not read v2 (and do not). A
    // RejectedRecord has one release so far: no older reader yet. Update this with each release.
    assertEquals(
        Map.of(
            "FaceImage", List.of("v1 refuses"),
            "ModelUpdate", List.of("v1 reads", "v2 reads"),
            "RejectedRecord", List.of()),
        outcomes);
  }

  /**
   * The decoder of release {@code index} (0: v1) of {@code name}: it knows that release's schema
   * and the ones before it, under the topic's rule.
   */
  private static SingleObjectReader<GenericRecord> previousReleaseCodec(String name, int index) {
    List<Schema> known = SchemaReleases.of(name).subList(0, index + 1);
    return new SingleObjectReader<>(
        GenericData.get(), known.get(index), known, CompatibilityRule.of(name).appendOnly());
  }

  /** The binary record after the single-object header. */
  private static BinaryDecoder body(byte[] bytes) {
    return DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
  }

  private static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }
}
