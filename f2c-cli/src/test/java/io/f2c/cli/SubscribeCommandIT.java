package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.f2c.testing.ModelTopicWriter;
import io.f2c.testing.SharedKafka;
import io.f2c.testing.SyntheticLfw;
import io.f2c.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code f2c subscribe} and {@code f2c eval --bootstrap-servers} against a real (in-process)
 * broker.
 */
class SubscribeCommandIT {
  private static final int CHUNK_BYTES = 16 * 1024;

  @Test
  void subscribeSavesTheLatestCompleteVersionAndEvalReadsItFromKafka(@TempDir Path tmp)
      throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    String topic = "models-" + UUID.randomUUID();
    byte[] v2 = TestModels.blob(2);
    byte[] v5 = TestModels.blob(5);
    try (ModelTopicWriter writer = new ModelTopicWriter(bootstrap, topic)) {
      writer.publish(ModelTopicWriter.chunks(2, v2, CHUNK_BYTES), true);
      writer.publish(ModelTopicWriter.chunks(5, v5, CHUNK_BYTES), true);
    }

    // A new subscriber prints and saves the latest complete version (v5) only.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc =
        F2cCli.run(
            new String[] {
              "subscribe",
              "--bootstrap-servers",
              bootstrap,
              "--models-topic",
              topic,
              "--save",
              tmp.resolve("models").toString(),
              "--seconds",
              "4"
            },
            new PrintStream(out, true),
            System.err);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    assertTrue(text.contains("f2c v5: step 500"), text);
    assertFalse(text.contains("f2c v2:"), text);
    assertArrayEquals(v5, Files.readAllBytes(tmp.resolve("models").resolve("f2c-v5.f2cm")));

    // f2c eval of the latest version on Kafka, on an LFW-shaped synthetic set; the last line is
    // JSON.
    Path lfw = tmp.resolve("lfw");
    Path pairs = SyntheticLfw.write(lfw, 5, 12, 3, 2, 10);
    ByteArrayOutputStream evalOut = new ByteArrayOutputStream();
    rc =
        F2cCli.run(
            new String[] {
              "eval",
              "--bootstrap-servers",
              bootstrap,
              "--models-topic",
              topic,
              "--pairs",
              pairs.toString(),
              "--images",
              lfw.toString(),
              "--roc",
              tmp.resolve("roc.png").toString()
            },
            new PrintStream(evalOut, true),
            System.err);
    String evalText = evalOut.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, evalText);
    assertTrue(evalText.contains("f2c v5 (step 500)"), evalText);
    JsonObject result =
        JsonParser.parseString(evalText.strip().lines().reduce((a, b) -> b).orElseThrow())
            .getAsJsonObject();
    assertEquals("f2c v5", result.get("label").getAsString());
    assertEquals(40, result.get("pairs").getAsInt());
    assertTrue(Files.size(tmp.resolve("roc.png")) > 1000);
  }
}
