// Writes the golden preprocessing values of the Node client's tests (fixtures/java-preprocess.json)
// with the Java ImageDecoder itself. Not part of any Maven module; run by hand after `mvn install`:
//   node test/tools/write-fixtures.js /tmp/golden
//   java -cp "face-model.jar:kafka-schemas.jar:avro.jar:jackson-*.jar:slf4j-api.jar" \
//     test/tools/PreprocessGolden.java /tmp/golden > test/fixtures/java-preprocess.json
// Specs must match GOLDEN_SPECS in helpers/fixtures.js.
import io.f2c.preprocess.ImageDecoder;
import io.f2c.preprocess.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class PreprocessGolden {
  static final float[][] SPECS = {
    {16, 1, 0.875f, 127.5f, 128f}, {7, 3, 0.6f, 0.5f, 57.3f}, {3, 1, 0.33f, 127.5f, 128f}, {5, 3, 1f, 127.5f, 128f}
  };

  public static void main(String[] args) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var list = Files.list(Path.of(args[0]))) {
      list.sorted().forEach(files::add);
    }
    StringBuilder json = new StringBuilder("{\n");
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      json.append(json.length() > 2 ? ",\n" : "").append("  \"").append(file.getFileName()).append("\": [");
      for (int s = 0; s < SPECS.length; s++) {
        float[] spec = SPECS[s];
        ImageDecoder decoder = new ImageDecoder(
            new PreprocessSpec((int) spec[0], (int) spec[1], spec[2], spec[3], spec[4]), 1L << 30, 1 << 30);
        float[] input = decoder.networkInput(bytes, ImageDecoder.formatOf(file));
        json.append(s > 0 ? ", [" : "[");
        for (int i = 0; i < input.length; i++) {
          json.append(i > 0 ? "," : "").append(Float.toString(input[i]));
        }
        json.append("]");
      }
      json.append("]");
    }
    System.out.println(json.append("\n}"));
  }
}
