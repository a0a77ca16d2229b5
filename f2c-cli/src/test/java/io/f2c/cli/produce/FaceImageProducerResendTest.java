package io.f2c.cli.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.testing.TestFaces;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Images whose send fails for a retriable reason are sent again and counted as sent once Kafka
 * takes them; other failures, and images out of sends, are reported. Kafka's MockProducer answers
 * each send as the test says.
 */
class FaceImageProducerResendTest {
  private static final String TOPIC = "faces";

  private static MockProducer<byte[], byte[]> mock() {
    Node node = new Node(0, "localhost", 9092);
    Cluster cluster =
        new Cluster(
            "c",
            List.of(node),
            List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})),
            Set.of(),
            Set.of());
    return new MockProducer<>(
        cluster, false, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Answers the next send once it was made (resends come from the producer's own thread). */
  private static void answerNext(MockProducer<byte[], byte[]> mock, RuntimeException error)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      boolean answered = error == null ? mock.completeNext() : mock.errorNext(error);
      if (answered) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no send to answer within 10 s");
  }

  @Test
  void retriableFailuresAreSentAgainUntilKafkaTakesThem() throws Exception {
    MockProducer<byte[], byte[]> mock = mock();
    try (FaceImageProducer producer = new FaceImageProducer(mock, TOPIC, 1 << 20, 0)) {
      producer.send(TestFaces.face(1, 0));
      producer.send(TestFaces.face(2, 0));
      answerNext(mock, new NotLeaderOrFollowerException("leader moved"));
      answerNext(mock, null);
      answerNext(mock, new TimeoutException("Expiring 1 record(s): 120000 ms has passed"));
      answerNext(mock, new OutOfOrderSequenceException("the broker lost the sequence"));
      answerNext(mock, null);
      producer.flush();
      assertEquals(2, producer.sent());
      assertEquals(0, producer.failed(), producer.failures().toString());
      assertEquals(3, producer.resent());
      // Kafka answers sends in order: image 2 went through at once, image 1 on its fourth send.
      assertEquals(5, mock.history().size(), "two images, three resends");
      assertEquals(
          Map.of("syn-00001", 4L, "syn-00002", 1L),
          mock.history().stream()
              .collect(
                  Collectors.groupingBy(
                      r -> new String(r.key(), StandardCharsets.UTF_8), Collectors.counting())));
    }
  }

  @Test
  void aFailureKafkaCallsFinalAndAnImageOutOfSendsAreReported() throws Exception {
    MockProducer<byte[], byte[]> mock = mock();
    try (FaceImageProducer producer = new FaceImageProducer(mock, TOPIC, 1 << 20, 0)) {
      producer.send(TestFaces.face(1, 0));
      answerNext(mock, new RecordTooLargeException("too large"));
      producer.send(TestFaces.face(2, 0));
      for (int i = 0; i < FaceImageProducer.MAX_SENDS; i++) {
        answerNext(mock, new NotLeaderOrFollowerException("leader moved"));
      }
      producer.flush();
      assertEquals(0, producer.sent());
      assertEquals(2, producer.failed());
      assertTrue(producer.failures().get(0).reason().startsWith("RecordTooLargeException"));
      assertTrue(
          producer
              .failures()
              .get(1)
              .reason()
              .endsWith("(after " + FaceImageProducer.MAX_SENDS + " sends)"),
          producer.failures().toString());
    }
  }
}
