package io.f2c.job.scaleout;

import io.f2c.scaleout.NetworkAverage;
import io.f2c.scaleout.RoundSteps;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainers' coordinator on the JobManager (Flink's operator-coordinator mechanism, as Iceberg's
 * Flink sink gathers statistics from its writers): it runs averaging rounds. A round starts when a
 * trainer says it is {@link RoundEvents.Ready}, and at every checkpoint if none is under way, so
 * the trainers meet at least once per checkpoint interval. It asks every trainer for its networks,
 * averages them when all have answered, and sends the average back. Nobody blocks: trainers keep
 * training while a round is under way.
 *
 * <p>A failed or reset trainer abandons the round under way (its peers keep their own networks
 * until the next one). Rounds are not part of the checkpoint beyond their counter: after a restore
 * the trainers average their checkpointed networks themselves, so they start from the same one.
 * Every method hands its work to one thread, which owns all fields.
 */
public final class AveragingCoordinator implements OperatorCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(AveragingCoordinator.class);

  private final ExecutorService worker;
  private final SubtaskGateway[] gateways;
  private final int[] attempts;
  private long round;
  private Round inFlight;

  AveragingCoordinator(Context context) {
    int trainers = context.currentParallelism();
    this.gateways = new SubtaskGateway[trainers];
    this.attempts = new int[trainers];
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "averaging-coordinator-" + context.getOperatorId());
              t.setDaemon(true);
              return t;
            });
  }

  /** The contributions of one round, by trainer. */
  private static final class Round {
    final long number;
    final long startedNanos = System.nanoTime();
    final FloatArrays.Parts[] parts;
    final RoundSteps[] steps;
    final RoundSteps[] images;
    int complete;

    Round(long number, int trainers) {
      this.number = number;
      this.parts = new FloatArrays.Parts[trainers];
      this.steps = new RoundSteps[trainers];
      this.images = new RoundSteps[trainers];
    }
  }

  @Override
  public void start() {}

  @Override
  public void close() {
    worker.shutdownNow();
  }

  @Override
  public void handleEventFromOperator(int subtask, int attemptNumber, OperatorEvent event) {
    worker.execute(
        () -> {
          if (attemptNumber != attempts[subtask] || gateways[subtask] == null) {
            return; // from an attempt that is gone
          }
          if (event instanceof RoundEvents.Ready) {
            startRound();
          } else if (event instanceof RoundEvents.Contribution c) {
            contribute(subtask, c);
          }
        });
  }

  private void startRound() {
    if (inFlight != null || gateways.length < 2) {
      return; // one trainer has nobody to average with
    }
    for (SubtaskGateway gateway : gateways) {
      if (gateway == null) {
        return; // not every trainer is running yet
      }
    }
    inFlight = new Round(++round, gateways.length);
    for (SubtaskGateway gateway : gateways) {
      gateway.sendEvent(new RoundEvents.Request(inFlight.number));
    }
  }

  private void contribute(int subtask, RoundEvents.Contribution c) {
    Round r = inFlight;
    if (r == null || c.round() != r.number) {
      return; // a round abandoned since
    }
    if (r.parts[subtask] == null) {
      r.parts[subtask] = new FloatArrays.Parts(c.parts());
      r.steps[subtask] = c.steps();
      r.images[subtask] = c.images();
    }
    if (r.parts[subtask].add(c.part(), c.bytes()) && ++r.complete == gateways.length) {
      finish(r);
    }
  }

  private void finish(Round r) {
    List<List<float[]>> networks = new ArrayList<>(gateways.length);
    for (FloatArrays.Parts p : r.parts) {
      networks.add(FloatArrays.decode(p.whole()));
    }
    byte[] average = FloatArrays.encode(NetworkAverage.mean(networks));
    long globalStep = RoundSteps.global(List.of(r.steps));
    long globalImages = RoundSteps.global(List.of(r.images));
    List<byte[]> parts = FloatArrays.split(average);
    for (SubtaskGateway gateway : gateways) {
      for (int i = 0; i < parts.size(); i++) {
        gateway.sendEvent(
            new RoundEvents.Average(
                r.number, globalStep, globalImages, i, parts.size(), parts.get(i)));
      }
    }
    inFlight = null;
    LOG.debug(
        "averaging round {}: {} trainers, {} bytes each way, {} ms, global step {}",
        r.number,
        gateways.length,
        average.length,
        (System.nanoTime() - r.startedNanos) / 1_000_000,
        globalStep);
  }

  @Override
  public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
    worker.execute(
        () -> {
          startRound();
          result.complete(ByteBuffer.allocate(Long.BYTES).putLong(round).array());
        });
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {}

  @Override
  public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
    worker.execute(
        () -> {
          inFlight = null;
          if (checkpointData != null && checkpointData.length == Long.BYTES) {
            round = Math.max(round, ByteBuffer.wrap(checkpointData).getLong());
          }
        });
  }

  @Override
  public void subtaskReset(int subtask, long checkpointId) {
    worker.execute(() -> inFlight = null);
  }

  @Override
  public void executionAttemptFailed(int subtask, int attemptNumber, Throwable reason) {
    worker.execute(
        () -> {
          if (attempts[subtask] == attemptNumber) {
            gateways[subtask] = null;
          }
          inFlight = null;
        });
  }

  @Override
  public void executionAttemptReady(int subtask, int attemptNumber, SubtaskGateway gateway) {
    worker.execute(
        () -> {
          gateways[subtask] = gateway;
          attempts[subtask] = attemptNumber;
        });
  }

  /** Creates the coordinator of one trainer operator. */
  public static final class Provider implements OperatorCoordinator.Provider {
    private static final long serialVersionUID = 1L;
    private final OperatorID operatorId;

    public Provider(OperatorID operatorId) {
      this.operatorId = operatorId;
    }

    @Override
    public OperatorID getOperatorId() {
      return operatorId;
    }

    @Override
    public OperatorCoordinator create(Context context) {
      return new AveragingCoordinator(context);
    }
  }
}
