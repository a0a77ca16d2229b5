package io.f2c.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The previous released version of each schema is kept under test resources (schemas/previous). A
 * change to a schema must keep both directions working: new readers read records already in Kafka
 * (backward), and consumers still on the previous version read records from the new writers
 * (forward). When a schema changes on purpose, copy the released version into schemas/previous in
 * the same commit.
 */
class SchemaCompatibilityTest {

  static Stream<Arguments> schemas() {
    return Stream.of(
        Arguments.of("FaceImage", FaceImage.getClassSchema()),
        Arguments.of("ModelUpdate", ModelUpdate.getClassSchema()),
        Arguments.of("RejectedRecord", RejectedRecord.getClassSchema()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemas")
  void currentSchemaReadsAndIsReadByThePreviousVersion(String name, Schema current)
      throws IOException {
    Schema previous = previous(name);
    assertCompatible("new readers of old " + name + " records", current, previous);
    assertCompatible("old readers of new " + name + " records", previous, current);
  }

  @Test
  void theCheckCatchesABreakingChange() throws IOException {
    // Guard against a vacuous check: a schema that drops a field without default must be reported.
    Schema previous = previous("FaceImage");
    Schema broken =
        SchemaBuilder.record("FaceImage")
            .namespace("io.f2c.schema")
            .fields()
            .requiredString("identityId")
            .requiredLong("newRequiredField")
            .endRecord();
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(broken, previous);
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE, result.getType());
  }

  private static void assertCompatible(String what, Schema reader, Schema writer) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        result.getType(),
        what + " would break: " + result.getResult().getIncompatibilities());
  }

  private static Schema previous(String name) throws IOException {
    try (InputStream in =
        SchemaCompatibilityTest.class.getResourceAsStream("/schemas/previous/" + name + ".avsc")) {
      assertNotNull(in, "missing schemas/previous/" + name + ".avsc under test resources");
      return new Schema.Parser().parse(in);
    }
  }
}
