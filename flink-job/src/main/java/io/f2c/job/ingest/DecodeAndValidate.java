package io.f2c.job.ingest;

import io.f2c.job.kafka.RawRecord;
import io.f2c.preprocess.ImageRejectedException;
import io.f2c.schema.RejectReason;
import io.f2c.schema.RejectedRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw records. Valid faces go downstream; anything else goes to the {@link
 * #REJECTED} side output as a {@link RejectedRecord} with its reason, and the job carries on.
 * Metrics (group "ingest"): recordsIn, accepted, and one counter per reason under "rejected".
 */
public final class DecodeAndValidate extends ProcessFunction<RawRecord, DecodedFace> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<RejectedRecord> REJECTED =
      new OutputTag<>("rejected", TypeInformation.of(RejectedRecord.class));

  /** Dead letters keep at most this many bytes of the original value. */
  public static final int MAX_RAW_BYTES = 64 * 1024;

  private final FaceValidator validator;
  private transient Counter recordsIn;
  private transient Counter accepted;
  private transient Map<RejectReason, Counter> rejected;

  public DecodeAndValidate(FaceValidator validator) {
    this.validator = validator;
  }

  @Override
  public void open(OpenContext openContext) {
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    recordsIn = group.counter("recordsIn");
    accepted = group.counter("accepted");
    rejected = new EnumMap<>(RejectReason.class);
    MetricGroup rejectedGroup = group.addGroup("rejected");
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, rejectedGroup.counter(reason.name()));
    }
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<DecodedFace> out) {
    recordsIn.inc();
    try {
      out.collect(validator.validate(record.value));
      accepted.inc();
    } catch (ImageRejectedException e) {
      reject(record, e.reason(), e.getMessage(), ctx);
    } catch (RuntimeException e) {
      // An unexpected failure on one record must not stop the job: report it with the record.
      reject(record, RejectReason.OTHER, e.getClass().getSimpleName() + ": " + e.getMessage(), ctx);
    }
  }

  private void reject(RawRecord record, RejectReason reason, String message, Context ctx) {
    rejected.get(reason).inc();
    ctx.output(REJECTED, deadLetter(record, reason, message));
  }

  /**
   * The dead-letter record for a raw record: where it came from, its bytes (bounded), the reason.
   */
  public static RejectedRecord deadLetter(RawRecord record, RejectReason reason, String message) {
    byte[] value = record.value == null ? new byte[0] : record.value;
    boolean truncated = value.length > MAX_RAW_BYTES;
    return RejectedRecord.newBuilder()
        .setSourceTopic(record.topic == null ? "" : record.topic)
        .setSourcePartition(record.partition)
        .setSourceOffset(record.offset)
        .setRaw(ByteBuffer.wrap(truncated ? Arrays.copyOf(value, MAX_RAW_BYTES) : value))
        .setRawSize(value.length)
        .setTruncated(truncated)
        .setReason(reason)
        .setMessage(message == null ? reason.name() : message)
        .setRejectedAt(Instant.now())
        .build();
  }
}
