package io.f2c.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.schema.FaceImage;
import io.f2c.synthetic.SyntheticFaces;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityStreamTest {
  @Test
  void everyIdentityArrivesWithItsImagesBlockByBlockThenKnownOnesComeBack() {
    int identities = 2 * IdentityStream.BLOCK + 300; // a short last block
    IdentityStream stream = new IdentityStream(new SyntheticFaces(1, 16), identities, 2, 50, 3);
    Map<String, Integer> images = new HashMap<>();
    Set<String> imageIds = new HashSet<>();
    int highestBlock = 0;
    for (long k = 0; k < stream.fillImages(); k++) {
      FaceImage image = stream.next();
      String id = image.getIdentityId().toString();
      int index = Integer.parseInt(id.substring(id.indexOf('-') + 1));
      int block = index / IdentityStream.BLOCK;
      assertTrue(block >= highestBlock, "blocks arrive in order");
      highestBlock = block;
      images.merge(id, 1, Integer::sum);
      assertTrue(imageIds.add(image.getImageId().toString()), "no image twice");
    }
    assertEquals(identities, images.size());
    assertTrue(images.values().stream().allMatch(n -> n == 2), "two images each");
    for (int k = 0; k < 50; k++) {
      FaceImage image = stream.next();
      assertTrue(images.containsKey(image.getIdentityId().toString()), "an identity already seen");
    }
    assertFalse(stream.hasNext());
  }
}
