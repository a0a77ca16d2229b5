package io.f2c.cli.runtime;

import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/** Ending jobs of the local cluster. */
public final class LocalJobs {
  private LocalJobs() {}

  /**
   * Cancels the job unless it already ended, and waits until it has: its tasks have closed their
   * operators (the trainer its native tensors), so the JVM may exit without libtorch being torn
   * down under a running step.
   */
  public static void cancelAndWait(JobClient job) throws Exception {
    if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
    job.getJobExecutionResult().handle((result, error) -> null).get(60, TimeUnit.SECONDS);
  }
}
