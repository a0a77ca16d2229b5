package io.f2c.scaleout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Averaging rounds on hand-worked values. */
class NetworkAverageTest {
  @Test
  void theMeanIsTakenElementByElementOverEveryTrainer() {
    List<float[]> a = List.of(new float[] {1, 2, 3}, new float[] {10});
    List<float[]> b = List.of(new float[] {3, 2, -3}, new float[] {20});
    List<float[]> c = List.of(new float[] {2, 5, 0}, new float[] {0});

    List<float[]> mean = NetworkAverage.mean(List.of(a, b, c));

    assertArrayEquals(new float[] {2, 3, 0}, mean.get(0));
    assertArrayEquals(new float[] {10}, mean.get(1));
    assertEquals(4, NetworkAverage.floats(mean));
  }

  @Test
  void theMeanOfOneTrainerIsItsOwnArraysBitForBit() {
    float odd = Math.nextUp(0.1f);
    List<float[]> only = List.of(new float[] {odd, -0f, Float.MIN_VALUE});

    List<float[]> mean = NetworkAverage.mean(List.of(only));

    assertEquals(Float.floatToRawIntBits(odd), Float.floatToRawIntBits(mean.get(0)[0]));
    assertEquals(Float.MIN_VALUE, mean.get(0)[2]);
  }

  @Test
  void aTrainerKeepsWhatItLearnedWhileTheRoundWasUnderWay() {
    // Sent 1.0 and 4.0, trained on to 1.5 and 3.0; the round's average is 2.0 and 2.0.
    List<float[]> current = List.of(new float[] {1.5f, 3.0f});
    List<float[]> sent = List.of(new float[] {1.0f, 4.0f});
    List<float[]> average = List.of(new float[] {2.0f, 2.0f});

    NetworkAverage.keepLocalProgress(current, sent, average);

    assertArrayEquals(new float[] {2.5f, 1.0f}, current.get(0));
  }

  @Test
  void networksOfDifferentShapesAreRefused() {
    List<float[]> a = List.of(new float[] {1, 2});
    List<float[]> b = List.of(new float[] {1, 2, 3});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NetworkAverage.mean(List.of(a, b)));
    assertEquals("networks differ at array 0: 2 values against 3", e.getMessage());
  }
}
