package io.f2c.job.kafka;

/**
 * A Kafka record as it came off the wire, with where it came from. Decoding happens downstream, in
 * a function that can send what it cannot decode to the dead-letter topic instead of failing the
 * job. A Flink POJO (no Kryo).
 */
public class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public RawRecord(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
