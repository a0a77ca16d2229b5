package io.f2c.job.calibration;

import io.f2c.job.F2cJob;
import io.f2c.job.ingest.DecodedFace;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.testing.TestModels;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The operators that score each version on kept faces, in a test harness with RocksDB state: models
 * on the first input, faces on the second, both under the versions' key.
 */
final class VersionOperatorHarness {
  private VersionOperatorHarness() {}

  static KeyedTwoInputStreamOperatorTestHarness<String, PublishedModel, DecodedFace, PublishedModel>
      of(KeyedCoProcessFunction<String, PublishedModel, DecodedFace, PublishedModel> function)
          throws Exception {
    var harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(function),
            (PublishedModel m) -> F2cJob.VERSIONS_KEY,
            (DecodedFace f) -> F2cJob.VERSIONS_KEY,
            Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend(true));
    return harness;
  }

  /** A version of the test model ({@link TestModels}) with {@code blob} as its parameters. */
  static PublishedModel model(long version, byte[] blob) {
    PublishedModel model = new PublishedModel();
    model.modelName = "f2c";
    model.version = version;
    model.setInput(TestModels.SPEC);
    model.embeddingDim = TestModels.DIM;
    model.blob = blob;
    return model;
  }
}
