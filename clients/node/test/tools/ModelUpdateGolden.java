// Writes fixtures/java-modelupdate-v3.bin with the Java AvroCodec (run by hand, like
// PreprocessGolden.java: java -cp "kafka-schemas.jar:avro.jar:jackson-*.jar:slf4j-api.jar"
//   test/tools/ModelUpdateGolden.java test/fixtures/java-modelupdate-v3.bin).
import io.f2c.schema.*;
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.time.Instant;
public class ModelUpdateGolden {
  public static void main(String[] a) throws Exception {
    ModelUpdate u = ModelUpdate.newBuilder()
      .setModelName("faces").setVersion(42L).setTrainingStep(420L).setCreatedAt(Instant.ofEpochMilli(1700000000123L))
      .setArchitecture("mobilefacenet")
      .setInput(new InputSpec(112, 3, 0.875f, 127.5f, 128f))
      .setEmbeddingDim(128).setChunkIndex(1).setChunkCount(3)
      .setChunk(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
      .setSha256("00ff")
      .setMetrics(new TrainingMetrics(0.25, 0.5, 1000L, 77L))
      .setTestTimeFlip(true).setFormat("onnx").setVerificationThreshold(0.35f).build();
    Files.write(Path.of(a[0]), AvroCodec.modelUpdate().encode(u));
  }
}
