package io.f2c.job;

import io.f2c.batching.IdentityCount;
import io.f2c.batching.IdentityCounter;
import io.f2c.config.F2cConfig;
import io.f2c.config.F2cOptions;
import io.f2c.ingest.DecodeAndValidate;
import io.f2c.ingest.DecodedFace;
import io.f2c.ingest.FaceValidator;
import io.f2c.ingest.ImageDecoder;
import io.f2c.ingest.PreprocessSpec;
import io.f2c.kafka.KafkaConnectors;
import io.f2c.kafka.RawRecord;
import io.f2c.schema.RejectedRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The streaming job. Its source and sinks are passed in, so tests run the same topology on test inputs:
 *
 * <pre>
 *   images source -> decode + validate --(rejected)--> dead-letter sink
 *                         |
 *                         +--> keyBy(identity) -> identity registry -> identity-count sink
 * </pre>
 *
 * Run it on a cluster with {@code flink run -c io.f2c.job.F2cJob flink-job-*-job.jar --bootstrap-servers H:P}.
 */
public final class F2cJob {
  public static final String JOB_NAME = "f2c-face-training";
  public static final String SOURCE_NAME = "face-images";
  public static final String DECODE_NAME = "decode-validate";
  public static final String REGISTRY_NAME = "identity-registry";

  private F2cJob() {}

  /** Where the job's results go. */
  public record Sinks(Sink<RejectedRecord> deadLetters, Sink<IdentityCount> identityCounts) {}

  /** Adds the topology to {@code env}; returns the per-identity counts stream (before its sink). */
  public static DataStream<IdentityCount> build(StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source, Sinks sinks, F2cConfig config) {
    ImageDecoder decoder = new ImageDecoder(PreprocessSpec.from(config), config.get(F2cOptions.MAX_IMAGE_PIXELS),
        config.get(F2cOptions.MAX_IMAGE_BYTES));
    DataStream<RawRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME)
        .uid("source-face-images");
    SingleOutputStreamOperator<DecodedFace> faces = raw
        .process(new DecodeAndValidate(new FaceValidator(decoder)))
        .name(DECODE_NAME).uid(DECODE_NAME);
    faces.getSideOutput(DecodeAndValidate.REJECTED)
        .sinkTo(sinks.deadLetters()).name("dead-letters").uid("sink-dead-letters");
    DataStream<IdentityCount> counts = faces
        .keyBy(face -> face.identityId)
        .process(new IdentityCounter())
        .name(REGISTRY_NAME).uid(REGISTRY_NAME);
    counts.sinkTo(sinks.identityCounts()).name("identity-counts").uid("sink-identity-counts");
    return counts;
  }

  /** The Kafka-backed sinks for a given configuration (counts are not published yet). */
  public static Sinks kafkaSinks(F2cConfig config) {
    return new Sinks(
        KafkaConnectors.deadLetterSink(config.get(F2cOptions.BOOTSTRAP_SERVERS),
            config.get(F2cOptions.DEAD_LETTER_TOPIC)),
        new DiscardingSink<>());
  }

  public static Source<RawRecord, ?, ?> kafkaSource(F2cConfig config) {
    return KafkaConnectors.rawSource(config.get(F2cOptions.BOOTSTRAP_SERVERS), config.get(F2cOptions.IMAGES_TOPIC),
        config.get(F2cOptions.GROUP_ID));
  }

  /** Entry point for {@code flink run}: the cluster provides the environment; Kafka comes from the flags. */
  public static void main(String[] args) throws Exception {
    F2cConfig config = io.f2c.cli.Commands.JOB.parse(args);
    io.f2c.cli.Commands.requireBootstrapServers(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        io.f2c.runtime.FlinkSettings.jobConfiguration(config, false));
    build(env, kafkaSource(config), kafkaSinks(config), config);
    env.execute(JOB_NAME);
  }
}
