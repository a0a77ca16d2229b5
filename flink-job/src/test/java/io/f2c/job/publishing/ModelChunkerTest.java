package io.f2c.job.publishing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.f2c.model.ModelAssembler;
import io.f2c.preprocess.PreprocessSpec;
import io.f2c.schema.AvroCodec;
import io.f2c.schema.ModelUpdate;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelChunkerTest {

  static PublishedModel model(long version, int size) {
    PublishedModel m = new PublishedModel();
    m.modelName = "f2c";
    m.version = version;
    m.trainingStep = 10 * version;
    m.createdAtMillis = 1234;
    m.architecture = "small-cnn";
    m.embeddingDim = 64;
    m.setInput(PreprocessSpec.of(32, 3, 1.0));
    m.loss = 1.5;
    m.testTimeFlip = version % 2 == 1;
    m.blob = new byte[size];
    new Random(version).nextBytes(m.blob);
    return m;
  }

  @Test
  void chunksStayUnderTheLimitAndReassembleInAnyOrder() {
    PublishedModel m = model(3, 2_500_000);
    List<ModelUpdate> chunks = ModelChunker.chunks(m, ModelChunker.DEFAULT_CHUNK_BYTES);
    assertEquals(5, chunks.size());
    for (ModelUpdate c : chunks) {
      assertTrue(
          AvroCodec.modelUpdate().encode(c).length < 1024 * 1024, "chunk record under 1 MiB");
      assertEquals(5, c.getChunkCount());
      assertEquals(ModelAssembler.sha256Hex(m.blob), c.getSha256());
    }
    List<ModelUpdate> shuffled = new ArrayList<>(chunks);
    Collections.shuffle(shuffled, new Random(1));
    ModelAssembler assembler = new ModelAssembler();
    for (int i = 0; i < 4; i++) {
      assertTrue(
          assembler.add(shuffled.get(i)).isEmpty(), "incomplete versions are not handed out");
    }
    ModelAssembler.Complete complete = assembler.add(shuffled.get(4)).orElseThrow();
    assertArrayEquals(m.blob, complete.blob());
    assertEquals(3, complete.header().getVersion());
    assertEquals(PreprocessSpec.of(32, 3, 1.0), PreprocessSpec.from(complete.header().getInput()));
    assertTrue(complete.header().getTestTimeFlip(), "the model's test-time flip travels with it");
    // A repeated or older version is ignored once a newer one completed.
    assertTrue(assembler.add(chunks.get(0)).isEmpty());
  }

  @Test
  void aCorruptVersionIsRefused() {
    List<ModelUpdate> chunks = ModelChunker.chunks(model(1, 1000), 400);
    ModelUpdate bad =
        ModelUpdate.newBuilder(chunks.get(1)).setChunk(ByteBuffer.wrap(new byte[400])).build();
    ModelAssembler assembler = new ModelAssembler();
    assembler.add(chunks.get(0));
    assembler.add(bad);
    var e =
        assertThrows(
            ModelAssembler.CorruptModelException.class, () -> assembler.add(chunks.get(2)));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    // The next good version still comes through.
    ModelAssembler.Complete next = null;
    for (ModelUpdate c : ModelChunker.chunks(model(2, 1000), 400)) {
      next = assembler.add(c).orElse(next);
    }
    assertEquals(2, next.header().getVersion());
  }

  @Test
  void aChunkCountBelowOneIsACorruptVersionNotACrash() {
    ModelAssembler assembler = new ModelAssembler();
    for (int count : new int[] {0, -3}) {
      ModelUpdate bad =
          ModelUpdate.newBuilder(ModelChunker.chunks(model(1, 100), 400).get(0))
              .setChunkCount(count)
              .build();
      var e = assertThrows(ModelAssembler.CorruptModelException.class, () -> assembler.add(bad));
      assertTrue(e.getMessage().contains("chunk count of " + count), e.getMessage());
    }
    assertEquals(
        1,
        assembler
            .add(ModelChunker.chunks(model(1, 100), 400).get(0))
            .orElseThrow()
            .header()
            .getVersion());
  }
}
