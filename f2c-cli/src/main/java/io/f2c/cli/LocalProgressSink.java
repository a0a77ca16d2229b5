package io.f2c.cli;

import io.f2c.batching.IdentityCount;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Counts the job's output in this JVM, for the demo's progress line (the local cluster runs in the
 * same JVM; on a real cluster the dashboard's metrics play this role). Boards are found by name
 * because Flink serializes the sink.
 */
final class LocalProgressSink implements Sink<IdentityCount> {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Board> BOARDS = new ConcurrentHashMap<>();

  /** Live counters of one run. */
  static final class Board {
    final AtomicLong images = new AtomicLong();
    final AtomicLong identities = new AtomicLong();
  }

  private final String name;

  LocalProgressSink(String name) {
    this.name = name;
    BOARDS.putIfAbsent(name, new Board());
  }

  Board board() {
    return BOARDS.get(name);
  }

  void release() {
    BOARDS.remove(name);
  }

  @Override
  public SinkWriter<IdentityCount> createWriter(WriterInitContext context) {
    Board board = BOARDS.computeIfAbsent(name, n -> new Board());
    return new SinkWriter<>() {
      @Override
      public void write(IdentityCount count, Context ctx) {
        board.images.incrementAndGet();
        if (count.images == 1) {
          board.identities.incrementAndGet();
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
