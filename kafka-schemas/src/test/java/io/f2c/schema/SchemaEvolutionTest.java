package io.f2c.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire contract's evolution, through the wire: records written with every released schema
 * version decode with today's codecs; newer records decode with an older release's reader where the
 * topic's rule says so; the build's guard refuses unreleased and incompatible changes.
 */
class SchemaEvolutionTest {

  static Stream<Arguments> types() {
    return Stream.of(
        Arguments.of("FaceImage", AvroCodec.faceImage()),
        Arguments.of("ModelUpdate", AvroCodec.modelUpdate()),
        Arguments.of("RejectedRecord", AvroCodec.rejectedRecord()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void theCurrentSchemaIsItsLatestReleaseAndKeepsItsRule(String name, AvroCodec<?> codec) {
    List<String> problems = SchemaGuard.problems(name, source(name), SchemaReleases.of(name));
    assertEquals(List.of(), problems, String.join("\n", problems));
  }

  @Test
  void releasedSchemasAreNeverEdited() throws Exception {
    Map<String, String> actual = new TreeMap<>();
    for (String name : List.of("FaceImage", "ModelUpdate", "RejectedRecord")) {
      for (int v = 1; SchemaReleases.text(name, v) != null; v++) {
        byte[] bytes = SchemaReleases.text(name, v).getBytes(StandardCharsets.UTF_8);
        actual.put(
            name + "-v" + v + ".avsc",
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
      }
    }
    assertEquals(
        new TreeMap<>(SchemaReleases.recordedChecksums()),
        actual,
        "a released schema was edited, or released without its checksum in SHA256SUMS: released files"
            + " are never edited; a change is a new version file");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void everyReleasedVersionDecodesWithTheCurrentCodecFieldByField(String name, AvroCodec<?> codec)
      throws IOException {
    Schema current = codec.schema();
    List<Schema> released = SchemaReleases.of(name);
    for (int v = 0; v < released.size(); v++) {
      Schema writer = released.get(v);
      GenericRecord written = sample(writer, name + v);
      SpecificRecord decoded = codec.decode(encode(writer, written));
      GenericRecord read = asGeneric(current, decoded);
      for (Schema.Field field : current.getFields()) {
        Object expected =
            writer.getField(field.name()) != null
                ? written.get(field.name())
                : GenericData.get().getDefaultValue(field);
        assertEquals(
            GenericData.get().toString(expected),
            GenericData.get().toString(read.get(field.name())),
            name + " v" + (v + 1) + " field " + field.name());
      }
    }
  }

  @Test
  void aFaceImageOfVersion1GetsNoFaceBox() throws IOException {
    Schema v1 = SchemaReleases.of("FaceImage").get(0);
    assertNull(v1.getField("faceBox"), "v1 had no face box");
    FaceImage decoded = AvroCodec.faceImage().decode(encode(v1, sample(v1, "x")));
    assertNull(decoded.getFaceBox(), "the default of the field v1 lacks");
    assertEquals("x.identityId", decoded.getIdentityId());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void theNextAppendOnlyVersionIsReadByTodaysCodecWhereTheRuleSaysSo(
      String name, AvroCodec<?> codec) throws IOException {
    Schema current = source(name);
    Schema next = appended(current, SchemaBuilder.builder().stringType(), "");
    GenericRecord written = sample(next, name);
    byte[] bytes = encode(next, written);
    if (CompatibilityRule.of(name).appendOnly()) {
      GenericRecord read = asGeneric(current, codec.decode(bytes));
      for (Schema.Field field : current.getFields()) {
        assertEquals(
            GenericData.get().toString(written.get(field.name())),
            GenericData.get().toString(read.get(field.name())),
            name + " field " + field.name());
      }
      assertTrue(
          SchemaGuard.problems(name, next, SchemaReleases.of(name)).stream()
              .allMatch(p -> p.contains("differs from its latest released version")),
          "an append with a default is compatible; only its release is missing");
    } else {
      var e = assertThrows(AvroCodec.MalformedRecordException.class, () -> codec.decode(bytes));
      assertTrue(e.getMessage().contains("unknown schema fingerprint"), e.getMessage());
    }
  }

  @Test
  void theGuardRefusesIncompatibleAndUnreleasedChanges() {
    List<Schema> faceImages = SchemaReleases.of("FaceImage");
    Schema current = source("FaceImage");
    // A new required field: records already in the topic cannot be read.
    Schema required = appended(current, SchemaBuilder.builder().longType(), null);
    assertTrue(
        SchemaGuard.problems("FaceImage", required, faceImages).stream()
            .anyMatch(p -> p.contains("cannot read records of v1")),
        SchemaGuard.problems("FaceImage", required, faceImages).toString());

    // A renamed field without an alias: old records lack it.
    Schema renamed = renamedField(source("ModelUpdate"), "trainingStep", "step");
    List<String> renamedProblems =
        SchemaGuard.problems("ModelUpdate", renamed, SchemaReleases.of("ModelUpdate"));
    assertTrue(
        renamedProblems.stream().anyMatch(p -> p.contains("cannot read records of v1")),
        renamedProblems.toString());
    assertTrue(
        renamedProblems.stream().anyMatch(p -> p.contains("may only append")),
        renamedProblems.toString());

    // A compatible change that was not released is still refused, with what to do.
    Schema compatible = appended(current, SchemaBuilder.builder().stringType(), "");
    List<String> unreleased = SchemaGuard.problems("FaceImage", compatible, faceImages);
    assertEquals(1, unreleased.size(), unreleased.toString());
    assertTrue(
        unreleased.get(0).contains("FaceImage-v" + (faceImages.size() + 1) + ".avsc"),
        unreleased.get(0));

    // An appended field without a default on an append-only topic.
    Schema noDefault = appended(source("RejectedRecord"), SchemaBuilder.builder().intType(), null);
    assertFalse(
        SchemaGuard.problems("RejectedRecord", noDefault, SchemaReleases.of("RejectedRecord"))
            .stream()
            .filter(p -> p.contains("without a default"))
            .toList()
            .isEmpty());
  }

  /**
   * The current schema as written in src/main/avro (the generated classes add Java-only
   * properties).
   */
  static Schema source(String name) {
    try {
      return new Schema.Parser().parse(Path.of("src", "main", "avro", name + ".avsc").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code schema} with one more field at the end (default {@code dflt}; null: none). */
  static Schema appended(Schema schema, Schema type, Object dflt) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(
        dflt == null
            ? new Schema.Field("addedLater", type, "test field")
            : new Schema.Field("addedLater", type, "test field", dflt));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  static Schema renamedField(Schema schema, String from, String to) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(
          f.name().equals(from)
              ? new Schema.Field(to, f.schema(), f.doc())
              : new Schema.Field(f, f.schema()));
    }
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /** A record of {@code schema} with a distinct value in every field, derived from its path. */
  static GenericRecord sample(Schema schema, String path) {
    GenericRecord record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      record.put(f.name(), value(f.schema(), path + "." + f.name()));
    }
    return record;
  }

  private static Object value(Schema s, String path) {
    int h = Math.abs(path.hashCode());
    return switch (s.getType()) {
      case STRING -> path;
      case INT -> h % 100_000;
      case LONG -> 1_700_000_000_000L + h;
      case FLOAT -> (h % 1000) / 8f;
      case DOUBLE -> (h % 1000) / 16.0;
      case BOOLEAN -> h % 2 == 0;
      case BYTES -> ByteBuffer.wrap(path.getBytes(StandardCharsets.UTF_8));
      case ENUM ->
          new GenericData.EnumSymbol(s, s.getEnumSymbols().get(h % s.getEnumSymbols().size()));
      case RECORD -> sample(s, path);
      case UNION -> value(s.getTypes().get(s.getTypes().size() - 1), path); // the non-null branch
      case NULL -> null;
      default -> throw new IllegalArgumentException("no sample for " + s);
    };
  }

  static byte[] encode(Schema writer, GenericRecord record) throws IOException {
    ByteBuffer buffer =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  /** A decoded specific record as a generic one of {@code schema} (no logical-type conversions). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GenericRecord asGeneric(Schema schema, SpecificRecord record) {
    byte[] bytes = ((AvroCodec) AvroCodec.of(record.getClass())).encode(record);
    return new SingleObjectReader<GenericRecord>(GenericData.get(), schema, List.of(), false)
        .decode(bytes);
  }
}
