package io.f2c.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.job.kafka.RawRecord;
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.ImageFormat;
import io.f2c.schema.RejectReason;
import io.f2c.schema.RejectedRecord;
import io.f2c.testing.TestFaces;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodeAndValidateTest {

  private static OneInputStreamOperatorTestHarness<RawRecord, DecodedFace> harness()
      throws Exception {
    ImageDecoder decoder = new ImageDecoder(PreprocessSpec.of(16, 3, 1.0), 1000L * 1000L, 1 << 20);
    var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new DecodeAndValidate(new FaceValidator(decoder))));
    harness.open();
    return harness;
  }

  private static RawRecord raw(long offset, byte[] value) {
    return new RawRecord("face-images", 0, offset, 0L, null, value);
  }

  @Test
  void validFacesPassAndEveryKindOfBadInputIsDeadLetteredWithItsReason() throws Exception {
    try (var harness = harness()) {
      byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
      harness.processElement(new StreamRecord<>(raw(0, TestFaces.encoded(TestFaces.face(1, 0)))));
      harness.processElement(new StreamRecord<>(raw(1, garbage)));
      harness.processElement(
          new StreamRecord<>(
              raw(
                  2,
                  TestFaces.encoded(
                      TestFaces.face(
                          "",
                          "x/1",
                          TestFaces.FACES.encoded(1, 1, ImageFormat.PNG),
                          ImageFormat.PNG)))));
      harness.processElement(
          new StreamRecord<>(
              raw(
                  3,
                  TestFaces.encoded(
                      TestFaces.face("bob", "bob/1", new byte[] {1, 2, 3}, ImageFormat.JPEG)))));
      harness.processElement(
          new StreamRecord<>(
              raw(
                  4,
                  TestFaces.encoded(
                      TestFaces.face(
                          "eve",
                          "eve/1",
                          TestFaces.pgm("P5 5000 5000 255\n", 0),
                          ImageFormat.PGM)))));
      harness.processElement(new StreamRecord<>(raw(5, null)));
      harness.processElement(new StreamRecord<>(raw(6, TestFaces.encoded(TestFaces.face(2, 3)))));

      List<DecodedFace> valid = harness.extractOutputValues();
      assertEquals(
          List.of("syn-00001", "syn-00002"),
          valid.stream().map(f -> f.identityId).collect(Collectors.toList()));
      assertEquals(3 * 16 * 16, valid.get(0).pixels.length);
      assertEquals("syn-00002/3", valid.get(1).imageId);

      List<RejectedRecord> rejected =
          harness.getSideOutput(DecodeAndValidate.REJECTED).stream()
              .map(StreamRecord::getValue)
              .collect(Collectors.toList());
      assertEquals(
          List.of(1L, 2L, 3L, 4L, 5L),
          rejected.stream().map(RejectedRecord::getSourceOffset).collect(Collectors.toList()));
      assertEquals(
          List.of(
              RejectReason.MALFORMED_RECORD,
              RejectReason.MISSING_FIELD,
              RejectReason.CORRUPT_IMAGE,
              RejectReason.IMAGE_TOO_LARGE,
              RejectReason.MALFORMED_RECORD),
          rejected.stream().map(RejectedRecord::getReason).collect(Collectors.toList()));
      RejectedRecord first = rejected.get(0);
      assertEquals("face-images", first.getSourceTopic());
      assertArrayEquals(garbage, first.getRaw().array());
      assertEquals(garbage.length, first.getRawSize());
      assertFalse(first.getTruncated());
      assertTrue(rejected.get(1).getMessage().contains("identityId"), rejected.get(1).getMessage());
    }
  }

  @Test
  void deadLetterKeepsABoundedPrefixOfHugeValues() {
    byte[] huge = new byte[DecodeAndValidate.MAX_RAW_BYTES + 100];
    huge[0] = 42;
    RejectedRecord letter =
        DecodeAndValidate.deadLetter(raw(9, huge), RejectReason.OTHER, "too big");
    assertTrue(letter.getTruncated());
    assertEquals(huge.length, letter.getRawSize());
    assertEquals(DecodeAndValidate.MAX_RAW_BYTES, letter.getRaw().remaining());
    assertEquals(42, letter.getRaw().get(0));
  }
}
