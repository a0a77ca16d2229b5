package io.f2c.job.training;

import io.f2c.batching.IdentitySample;
import io.f2c.batching.InstanceBatchRecord;
import io.f2c.job.publishing.PublishedModel;
import io.f2c.job.scaleout.AveragingCoordinator;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.streaming.api.operators.CoordinatedOperatorFactory;
import org.apache.flink.streaming.api.operators.SimpleUdfStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperatorFactory;

/**
 * Creates the trainer operator together with its averaging coordinator on the JobManager (as
 * Flink's own collect sink pairs its operator with a coordinator).
 */
public final class TrainerOperatorFactory extends SimpleUdfStreamOperatorFactory<PublishedModel>
    implements CoordinatedOperatorFactory<PublishedModel>,
        TwoInputStreamOperatorFactory<IdentitySample, InstanceBatchRecord, PublishedModel> {
  private static final long serialVersionUID = 1L;

  public TrainerOperatorFactory(TrainingFunction function) {
    super(new TrainerOperator(function));
  }

  @Override
  public <T extends StreamOperator<PublishedModel>> T createStreamOperator(
      StreamOperatorParameters<PublishedModel> parameters) {
    T operator = super.createStreamOperator(parameters);
    OperatorID id = parameters.getStreamConfig().getOperatorID();
    TrainerOperator trainer = (TrainerOperator) operator;
    trainer.connect(parameters.getOperatorEventDispatcher().getOperatorEventGateway(id));
    parameters.getOperatorEventDispatcher().registerEventHandler(id, trainer);
    return operator;
  }

  @Override
  public OperatorCoordinator.Provider getCoordinatorProvider(
      String operatorName, OperatorID operatorId) {
    return new AveragingCoordinator.Provider(operatorId);
  }
}
