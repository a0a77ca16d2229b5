package io.f2c.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.job.kafka.TopicReader;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Every ModelUpdate chunk a read_committed consumer sees on a one-partition models topic, in
 * arrival order. The partition is assigned, not subscribed: a consumer group would lose its
 * position when the broker restarts and read everything again, which is not what a check for
 * repeated records wants to see; a record read twice at the same offset is counted once.
 */
final class ModelVersionLog implements AutoCloseable {
  private final List<ModelUpdate> chunks = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile boolean stopped;

  ModelVersionLog(String bootstrap, String topic) {
    Properties props = TopicReader.readCommitted(bootstrap);
    reader =
        new Thread(
            () -> {
              Set<Long> offsets = new HashSet<>();
              try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                while (!stopped) {
                  for (ConsumerRecord<byte[], byte[]> record :
                      consumer.poll(Duration.ofMillis(300))) {
                    if (offsets.add(record.offset())) {
                      chunks.add(AvroCodec.modelUpdate().decode(record.value()));
                    }
                  }
                }
              }
            },
            "model-version-log");
    reader.setDaemon(true);
    reader.start();
  }

  long maxVersion() {
    return chunks.stream().mapToLong(ModelUpdate::getVersion).max().orElse(0);
  }

  List<Long> versions() {
    return new ArrayList<>(new TreeSet<>(chunks.stream().map(ModelUpdate::getVersion).toList()));
  }

  /**
   * Versions strictly increasing in arrival order, each complete, none repeated. The newest
   * version's chunks may still be arriving (one poll can end inside a transaction's records): its
   * last chunk is waited for first.
   */
  void assertExactlyOnce() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!newestComplete() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Map<Long, List<ModelUpdate>> byVersion = new LinkedHashMap<>();
    long previous = 0;
    for (ModelUpdate chunk : chunks) {
      if (!byVersion.containsKey(chunk.getVersion())) {
        assertTrue(chunk.getVersion() > previous, "versions strictly increase: " + arrival());
        previous = chunk.getVersion();
      }
      byVersion.computeIfAbsent(chunk.getVersion(), v -> new ArrayList<>()).add(chunk);
    }
    byVersion.forEach(
        (version, parts) -> {
          assertEquals(
              parts.get(0).getChunkCount(),
              parts.size(),
              "version " + version + " once and complete");
          assertEquals(
              parts.size(),
              parts.stream().map(ModelUpdate::getChunkIndex).distinct().count(),
              "no chunk of version " + version + " repeated");
        });
  }

  private boolean newestComplete() {
    long newest = maxVersion();
    List<ModelUpdate> parts = chunks.stream().filter(c -> c.getVersion() == newest).toList();
    return parts.isEmpty() || parts.size() >= parts.get(0).getChunkCount();
  }

  private List<Long> arrival() {
    return chunks.stream().map(ModelUpdate::getVersion).distinct().toList();
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    reader.join(5000);
  }
}
