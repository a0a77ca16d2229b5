package io.f2c.job;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A collecting sink that fails its job once, on the first value written after the test {@link
 * #arm()}s it (as flink-connector-kafka's failing mappers do, from test code). It records the
 * attempt number of every writer Flink creates, so a test sees that the job really restarted. State
 * is static (Flink serializes the sink): one instance per test JVM at a time.
 */
final class FailOnceWhenArmedSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;
  private static final List<Object> VALUES = new CopyOnWriteArrayList<>();
  private static final Set<Integer> ATTEMPTS = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean ARMED = new AtomicBoolean();
  private static final AtomicBoolean FAILED = new AtomicBoolean();

  FailOnceWhenArmedSink() {
    VALUES.clear();
    ATTEMPTS.clear();
    ARMED.set(false);
    FAILED.set(false);
  }

  void arm() {
    ARMED.set(true);
  }

  boolean failed() {
    return FAILED.get();
  }

  Set<Integer> attempts() {
    return Set.copyOf(ATTEMPTS);
  }

  @SuppressWarnings("unchecked")
  List<T> values() {
    return (List<T>) (List<?>) VALUES;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    ATTEMPTS.add(context.getTaskInfo().getAttemptNumber());
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        if (ARMED.get() && FAILED.compareAndSet(false, true)) {
          throw new IllegalStateException("failing the job on purpose (test)");
        }
        VALUES.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
