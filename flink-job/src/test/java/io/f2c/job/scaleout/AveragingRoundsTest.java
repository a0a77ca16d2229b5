package io.f2c.job.scaleout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.f2c.scaleout.NetworkAverage;
import io.f2c.testing.TinyTrainers;
import io.f2c.training.F2cTrainer;
import io.f2c.training.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.groups.OperatorCoordinatorMetricGroup;
import org.apache.flink.runtime.checkpoint.CheckpointCoordinator;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.messages.Acknowledge;
import org.apache.flink.runtime.operators.coordination.CoordinatorStore;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * Rounds between the coordinator and two trainers, every event serialized as Flink's RPC would:
 * each trainer ends at the average of both networks plus its own progress since it contributed, and
 * at the global step.
 */
class AveragingRoundsTest {
  private final List<BlockingQueue<OperatorEvent>> inboxes =
      List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());

  @Test
  void eachTrainerContinuesFromTheAveragePlusItsOwnProgress() throws Exception {
    OperatorCoordinator coordinator =
        new AveragingCoordinator.Provider(new OperatorID()).create(context());
    coordinator.start();
    try (F2cTrainer a = trainer(1);
        F2cTrainer b = trainer(2)) {
      F2cTrainer[] trainers = {a, b};
      List<RoundParticipant> participants = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        coordinator.executionAttemptReady(i, 0, gateway(i));
        int subtask = i;
        participants.add(new RoundParticipant(e -> handle(coordinator, subtask, e), 3, 0, 0));
      }
      a.continueFromStep(5); // five own steps since the start, three for b
      b.continueFromStep(3);
      List<List<float[]>> before = List.of(a.networkValues(), b.networkValues());
      RoundParticipant.Images[] images = {counter(100), counter(60)};

      participants.get(0).stepped(a); // 5 own steps >= 3: asks for a round
      for (int i = 0; i < 2; i++) {
        assertNull(
            participants.get(i).handle(next(i), trainers[i], images[i]), "a request, answered");
      }
      // Trainer a learns on while the round is under way.
      List<float[]> moved = a.networkValues();
      moved.get(0)[0] += 0.5f;
      a.setNetworkValues(moved);

      List<float[]> mean = NetworkAverage.mean(before);
      for (int i = 0; i < 2; i++) {
        RoundParticipant.Applied applied = null;
        while (applied == null) {
          applied = participants.get(i).handle(next(i), trainers[i], images[i]);
        }
        assertEquals(8, applied.globalStep(), "5 + 3 own steps");
        assertEquals(160, applied.globalImages(), "100 + 60 own images");
        assertEquals(8, trainers[i].steps());
        assertEquals(160, images[i].images());
        assertArrayEquals(mean.get(1), trainers[i].networkValues().get(1));
      }
      assertArrayEquals(mean.get(0), b.networkValues().get(0));
      float expected =
          mean.get(0)[0] + ((before.get(0).get(0)[0] + 0.5f) - before.get(0).get(0)[0]);
      assertEquals(expected, a.networkValues().get(0)[0], "the average plus a's own progress");
      assertEquals(1, participants.get(0).roundsApplied());
    } finally {
      coordinator.close();
    }
  }

  private static F2cTrainer trainer(long seed) {
    return new F2cTrainer(TinyTrainers.builder(TrainerConfig.Head.DCP).seed(seed).build());
  }

  private static RoundParticipant.Images counter(long start) {
    long[] value = {start};
    return new RoundParticipant.Images() {
      @Override
      public long images() {
        return value[0];
      }

      @Override
      public void continueFromImages(long images) {
        value[0] = images;
      }
    };
  }

  private OperatorEvent next(int subtask) throws InterruptedException {
    OperatorEvent event = inboxes.get(subtask).poll(30, TimeUnit.SECONDS);
    assertNotNull(event, "an event for trainer " + subtask);
    return event;
  }

  private static void handle(OperatorCoordinator coordinator, int subtask, OperatorEvent event) {
    try {
      coordinator.handleEventFromOperator(subtask, 0, copy(event));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The event as the other side receives it: serialized and read back. */
  private static OperatorEvent copy(OperatorEvent event) {
    try {
      return InstantiationUtil.deserializeObject(
          InstantiationUtil.serializeObject(event), AveragingRoundsTest.class.getClassLoader());
    } catch (Exception e) {
      throw new IllegalStateException("not serializable: " + event, e);
    }
  }

  private OperatorCoordinator.SubtaskGateway gateway(int subtask) {
    return new OperatorCoordinator.SubtaskGateway() {
      @Override
      public CompletableFuture<Acknowledge> sendEvent(OperatorEvent event) {
        inboxes.get(subtask).add(copy(event));
        return CompletableFuture.completedFuture(Acknowledge.get());
      }

      @Override
      public ExecutionAttemptID getExecution() {
        return null;
      }

      @Override
      public int getSubtask() {
        return subtask;
      }
    };
  }

  private static OperatorCoordinator.Context context() {
    return new OperatorCoordinator.Context() {
      @Override
      public JobID getJobID() {
        return new JobID();
      }

      @Override
      public OperatorID getOperatorId() {
        return new OperatorID();
      }

      @Override
      public OperatorCoordinatorMetricGroup metricGroup() {
        return null;
      }

      @Override
      public void failJob(Throwable cause) {
        throw new AssertionError("the coordinator failed the job", cause);
      }

      @Override
      public int currentParallelism() {
        return 2;
      }

      @Override
      public ClassLoader getUserCodeClassloader() {
        return AveragingRoundsTest.class.getClassLoader();
      }

      @Override
      public CoordinatorStore getCoordinatorStore() {
        return null;
      }

      @Override
      public boolean isConcurrentExecutionAttemptsSupported() {
        return false;
      }

      @Override
      public CheckpointCoordinator getCheckpointCoordinator() {
        return null;
      }
    };
  }
}
