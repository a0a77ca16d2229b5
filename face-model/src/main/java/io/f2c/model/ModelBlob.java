package io.f2c.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.f2c.model.backbone.Backbone;
import io.f2c.preprocess.PreprocessSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bytes of a published model: a header (magic "F2CM", format version, backbone name, embedding
 * dimension, input spec and, from format 2 on, the test-time flip flag) followed by the probe net's
 * parameters in DJL's own format. A ModelUpdate carries them in chunks. Format 1 blobs (no flag)
 * are still read, as models without test-time flips.
 */
public final class ModelBlob {
  static final int MAGIC = 0x4632434D; // "F2CM"
  static final int VERSION = 2;
  private static final int FIRST_VERSION_WITH_FLIP = 2;

  private ModelBlob() {}

  /**
   * The header fields of a blob.
   *
   * @param testTimeFlip embed an image as the normalised sum of the embeddings of the image and of
   *     its mirror
   */
  public record Header(
      Backbone architecture, int embeddingDim, PreprocessSpec input, boolean testTimeFlip) {}

  /** A blob's header and its probe net, loaded with the parameters into a caller's manager. */
  public record Loaded(Header header, Block net) {}

  /**
   * Reads a blob: the network of the declared backbone with the blob's parameters, its arrays
   * attached to {@code manager} (the caller closes it).
   *
   * @throws IllegalArgumentException when the bytes are not a model this version can read
   */
  public static Loaded read(byte[] blob, NDManager manager) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      Header header = readHeader(in);
      PreprocessSpec spec = header.input();
      Block net = header.architecture().create(header.embeddingDim(), spec.size());
      net.initialize(
          manager, DataType.FLOAT32, new Shape(1, spec.channels(), spec.size(), spec.size()));
      readParameters(net, manager, in);
      return new Loaded(header, net);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot load model: " + e.getMessage(), e);
    }
  }

  public static byte[] write(
      Backbone architecture,
      int embeddingDim,
      PreprocessSpec input,
      boolean testTimeFlip,
      Block net) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(architecture.id());
      out.writeInt(embeddingDim);
      out.writeInt(input.size());
      out.writeInt(input.channels());
      out.writeFloat(input.cropFraction());
      out.writeFloat(input.normMean());
      out.writeFloat(input.normScale());
      out.writeBoolean(testTimeFlip);
      net.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Header readHeader(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not an F2C model (bad magic)");
    }
    int version = in.readInt();
    if (version < 1 || version > VERSION) {
      throw new IOException(
          "model format v" + version + " is not supported (this reader knows v" + VERSION + ")");
    }
    Backbone architecture = Backbone.of(in.readUTF());
    int dim = in.readInt();
    PreprocessSpec spec =
        new PreprocessSpec(
            in.readInt(), in.readInt(), in.readFloat(), in.readFloat(), in.readFloat());
    boolean testTimeFlip = version >= FIRST_VERSION_WITH_FLIP && in.readBoolean();
    return new Header(architecture, dim, spec, testTimeFlip);
  }

  static void readParameters(Block net, NDManager manager, DataInputStream in) throws IOException {
    try {
      net.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException(
          "model parameters do not fit the declared backbone: " + e.getMessage(), e);
    }
  }
}
