package io.f2c.job.scaleout;

import io.f2c.scaleout.NetworkAverage;
import io.f2c.scaleout.RoundSteps;
import io.f2c.training.F2cTrainer;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * One trainer's side of the averaging rounds (see {@link AveragingCoordinator}). On a request it
 * sends its networks and keeps a copy; when the average comes back it continues from the average
 * plus its own progress since ({@link NetworkAverage#keepLocalProgress}), and its step counter from
 * the round's global step plus its own steps since. The optimizer's momentum stays the trainer's
 * own: it follows the trainer's own gradients, as in post-local SGD.
 *
 * <p>Runs on the trainer's task thread (operator events arrive through its mailbox, between
 * records), so it never waits for its peers.
 */
public final class RoundParticipant {
  private final Consumer<OperatorEvent> toCoordinator;
  private final long stepsPerRound;

  private long lastGlobalStep;
  private long lastGlobalImages;
  private long roundAsked = -1;
  private boolean readySent;
  private List<float[]> sent;
  private long sentAtStep;
  private long sentAtImages;
  private long sentAtNanos;
  private FloatArrays.Parts incoming;
  private long incomingRound = -1;

  private long roundsApplied;
  private long lastRoundMillis;
  private long lastRoundBytes;

  /**
   * What an applied round gave: the average itself, and the global step and image count after it.
   */
  public record Applied(long round, long globalStep, long globalImages, List<float[]> average) {}

  /** The trainer's image count, which rounds make global as they do its step counter. */
  public interface Images {
    long images();

    void continueFromImages(long images);
  }

  /**
   * @param toCoordinator sends an event to the coordinator
   * @param stepsPerRound own steps after which the trainer asks for a round
   * @param globalStep the global step the trainer starts from (restored, or 0)
   * @param globalImages the global image count it starts from
   */
  public RoundParticipant(
      Consumer<OperatorEvent> toCoordinator,
      long stepsPerRound,
      long globalStep,
      long globalImages) {
    this.toCoordinator = toCoordinator;
    this.stepsPerRound = stepsPerRound;
    this.lastGlobalStep = globalStep;
    this.lastGlobalImages = globalImages;
  }

  /** After each step: asks for a round once enough own steps were taken since the last. */
  public void stepped(F2cTrainer trainer) {
    if (!readySent && sent == null && trainer.steps() - lastGlobalStep >= stepsPerRound) {
      readySent = true;
      toCoordinator.accept(new RoundEvents.Ready());
    }
  }

  /** Steps and images as a restore needs them: now, and own since the last applied average. */
  public RoundSteps steps(F2cTrainer trainer) {
    return new RoundSteps(trainer.steps(), trainer.steps() - lastGlobalStep);
  }

  public RoundSteps images(long images) {
    return new RoundSteps(images, images - lastGlobalImages);
  }

  /** Handles a coordinator event; returns the round applied, or null. */
  public Applied handle(OperatorEvent event, F2cTrainer trainer, Images images) {
    if (event instanceof RoundEvents.Request request) {
      contribute(request.round(), trainer, images);
    } else if (event instanceof RoundEvents.Average part) {
      return receive(part, trainer, images);
    }
    return null;
  }

  private void contribute(long round, F2cTrainer trainer, Images images) {
    roundAsked = round;
    sent = trainer.networkValues();
    sentAtStep = trainer.steps();
    sentAtImages = images.images();
    sentAtNanos = System.nanoTime();
    byte[] bytes = FloatArrays.encode(sent);
    lastRoundBytes = bytes.length;
    List<byte[]> parts = FloatArrays.split(bytes);
    for (int i = 0; i < parts.size(); i++) {
      toCoordinator.accept(
          new RoundEvents.Contribution(
              round,
              new RoundSteps(sentAtStep, sentAtStep - lastGlobalStep),
              new RoundSteps(sentAtImages, sentAtImages - lastGlobalImages),
              i,
              parts.size(),
              parts.get(i)));
    }
  }

  private Applied receive(RoundEvents.Average part, F2cTrainer trainer, Images images) {
    if (part.round() != roundAsked || sent == null) {
      return null; // a round this trainer did not contribute to (it was restored since)
    }
    if (incomingRound != part.round()) {
      incomingRound = part.round();
      incoming = new FloatArrays.Parts(part.parts());
    }
    if (!incoming.add(part.part(), part.bytes())) {
      return null;
    }
    List<float[]> average = FloatArrays.decode(incoming.whole());
    List<float[]> current = trainer.networkValues();
    NetworkAverage.keepLocalProgress(current, sent, average);
    trainer.setNetworkValues(current);
    long ownSince = trainer.steps() - sentAtStep;
    trainer.continueFromStep(part.globalStep() + ownSince);
    lastGlobalStep = part.globalStep();
    images.continueFromImages(part.globalImages() + images.images() - sentAtImages);
    lastGlobalImages = part.globalImages();
    lastRoundMillis = (System.nanoTime() - sentAtNanos) / 1_000_000;
    roundsApplied++;
    sent = null;
    incoming = null;
    readySent = false;
    return new Applied(part.round(), part.globalStep(), part.globalImages(), average);
  }

  public long roundsApplied() {
    return roundsApplied;
  }

  /** Milliseconds from sending the networks to applying the average, in the last round. */
  public long lastRoundMillis() {
    return lastRoundMillis;
  }

  /** Bytes of networks sent each way per trainer in the last round. */
  public long lastRoundBytes() {
    return lastRoundBytes;
  }
}
