package io.f2c.job;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink for MiniCluster tests: collects values in this JVM, found again by an id (Flink serializes
 * the sink).
 */
public final class CollectingSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;
  private static final Map<String, List<Object>> VALUES = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();

  public CollectingSink() {
    VALUES.put(id, new CopyOnWriteArrayList<>());
  }

  @SuppressWarnings("unchecked")
  public List<T> values() {
    return (List<T>) (List<?>) VALUES.get(id);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    List<Object> target = VALUES.get(id);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        target.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
