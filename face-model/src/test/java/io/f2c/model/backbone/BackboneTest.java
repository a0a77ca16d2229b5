package io.f2c.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackboneTest {

  @Test
  void namesRoundTripAndUnknownNamesAreRefusedWithTheChoices() {
    for (Backbone backbone : Backbone.values()) {
      assertEquals(backbone, Backbone.of(backbone.id()));
    }
    assertEquals(Backbone.SMALL_CNN, Backbone.of(" Small-CNN "));
    var e = assertThrows(IllegalArgumentException.class, () -> Backbone.of("resnet-9000"));
    assertTrue(e.getMessage().contains("mobilefacenet, small-cnn"), e.getMessage());
  }

  @Test
  void mobileFaceNetRefusesAnInputSizeNotDivisibleBy16() {
    assertThrows(IllegalArgumentException.class, () -> Backbone.MOBILEFACENET.create(8, 100));
  }
}
