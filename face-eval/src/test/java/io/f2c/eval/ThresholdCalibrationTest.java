package io.f2c.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ThresholdCalibrationTest {
  /** Unit vectors in the plane at the given angles (degrees). */
  private static float[] atAngles(double... degrees) {
    float[] rows = new float[degrees.length * 2];
    for (int i = 0; i < degrees.length; i++) {
      rows[2 * i] = (float) Math.cos(Math.toRadians(degrees[i]));
      rows[2 * i + 1] = (float) Math.sin(Math.toRadians(degrees[i]));
    }
    return rows;
  }

  @Test
  void separableScoresGetTheMidpointBetweenTheClosestSameAndOtherPair() {
    // a: 0 and 20 degrees (cos 20 = 0.9397); b: 90 and 100 (cos 10 = 0.9848). Other pairs: 70 to
    // 100 degrees apart, the closest cos 70 = 0.3420.
    float[] rows = atAngles(0, 20, 90, 100);
    String[] labels = {"a", "a", "b", "b"};
    ThresholdCalibration.Result r = ThresholdCalibration.choose(rows, labels, 2);
    double expected = (Math.cos(Math.toRadians(70)) + Math.cos(Math.toRadians(20))) / 2;
    assertEquals(expected, r.threshold(), 1e-6);
    assertEquals(1.0, r.balancedAccuracy(), 1e-12);
    assertEquals(2, r.samePairs());
    assertEquals(4, r.otherPairs());
    assertEquals(2, r.identities());
  }

  @Test
  void overlappingScoresWeighBothClassesEquallyAndTiesTakeTheLowestThreshold() {
    // Pairs, by cosine: (0,120) other -0.500; (10,120) other -0.342; (40,120) same 0.174; (0,40)
    // other 0.766; (10,40) other 0.866; (0,10) same 0.985. Sweeping the threshold up, balanced
    // accuracy goes 0.5, 0.625, 0.75 (between -0.342 and 0.174: both same pairs accepted, two of
    // four others rejected), 0.5, 0.625, 0.75 again (between 0.866 and 0.985), 0.5. The first of
    // the two equal optima is kept.
    float[] rows = atAngles(0, 10, 40, 120);
    String[] labels = {"a", "a", "b", "b"};
    ThresholdCalibration.Result r = ThresholdCalibration.choose(rows, labels, 2);
    assertEquals(0.75, r.balancedAccuracy(), 1e-12);
    double expected = (Math.cos(Math.toRadians(110)) + Math.cos(Math.toRadians(80))) / 2;
    assertEquals(expected, r.threshold(), 1e-6);
  }

  @Test
  void oneIdentityAloneCannotCalibrate() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ThresholdCalibration.choose(atAngles(0, 10), new String[] {"a", "a"}, 2));
  }
}
