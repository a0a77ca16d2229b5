package io.f2c.job.training;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.training.F2cTrainer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** One trainer through Flink's operator test harness, keyed as the job keys it. */
final class TrainerHarness {
  private TrainerHarness() {}

  static KeyedTwoInputStreamOperatorTestHarness<
          String, IdentitySample, InstanceBatchRecord, PublishedModel>
      of(TrainingFunction function) throws Exception {
    return new KeyedTwoInputStreamOperatorTestHarness<>(
        new TrainerOperator(function),
        (IdentitySample s) -> s.identityId,
        TrainerKeys.spreading(1),
        Types.STRING);
  }

  static F2cTrainer trainer(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> harness) {
    return ((TrainingFunction) ((TrainerOperator) harness.getOperator()).getUserFunction())
        .trainer();
  }
}
