'use strict';
// Writes a tiny ONNX model by hand (protobuf wire format), with the contract of the published
// models: input `images` float32 [batch, C, S, S], output `embeddings` float32 [batch, D],
// L2-normalised. The graph is Flatten -> MatMul(W) -> LpNormalization(p=2), so a test can compute
// the expected embeddings itself. The real models come from the Java exporter (its IT runs the CLI).

function varint(value) {
  let v = BigInt(value);
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

const key = (field, wire) => varint((field << 3) | wire);
const int = (field, value) => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field, data) => {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  return Buffer.concat([key(field, 2), varint(b.length), b]);
};
const msg = (field, parts) => bytes(field, Buffer.concat(parts));

const FLOAT = 1;

function tensorType(field, name, dims) {
  const shape = dims.map((d) => msg(1, [typeof d === 'string' ? bytes(2, d) : int(1, d)]));
  // ValueInfoProto{name=1, type=2{tensor_type=1{elem_type=1, shape=2{dim=1}}}}
  return msg(field, [bytes(1, name), msg(2, [msg(1, [int(1, FLOAT), msg(2, shape)])])]);
}

function node(op, inputs, outputs, attributes = []) {
  // NodeProto{input=1, output=2, name=3, op_type=4, attribute=5}
  return msg(1, [...inputs.map((i) => bytes(1, i)), ...outputs.map((o) => bytes(2, o)),
    bytes(3, `${op}_0`), bytes(4, op), ...attributes]);
}

const intAttribute = (name, value) => msg(5, [bytes(1, name), int(3, value), int(20, 2 /* INT */)]);

/** W: Float32Array of (C*S*S) x D, row-major. */
function linearEmbeddingModel({ channels, size, dim, weights }) {
  const flat = channels * size * size;
  const raw = Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength);
  // TensorProto{dims=1, data_type=2, name=8, raw_data=9}
  const initializer = msg(5, [int(1, flat), int(1, dim), int(2, FLOAT), bytes(8, 'W'), bytes(9, raw)]);
  const graph = msg(7, [
    node('Flatten', ['images'], ['flat'], [intAttribute('axis', 1)]),
    node('MatMul', ['flat', 'W'], ['projected']),
    node('LpNormalization', ['projected'], ['embeddings'], [intAttribute('axis', 1), intAttribute('p', 2)]),
    bytes(2, 'test-embedder'),
    initializer,
    tensorType(11, 'images', ['batch', channels, size, size]),
    tensorType(12, 'embeddings', ['batch', dim]),
  ]);
  // ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8{domain=1, version=2}}
  return Buffer.concat([int(1, 8), bytes(2, 'f2c-node-test'), graph, msg(8, [bytes(1, ''), int(2, 13)])]);
}

/** What linearEmbeddingModel computes, in double: rows of L2-normalised x W. */
function expectedEmbeddings(input, count, { channels, size, dim, weights }) {
  const flat = channels * size * size;
  const rows = [];
  for (let n = 0; n < count; n++) {
    const row = new Float64Array(dim);
    for (let k = 0; k < flat; k++) {
      const x = input[n * flat + k];
      for (let d = 0; d < dim; d++) row[d] += x * weights[k * dim + d];
    }
    const norm = Math.hypot(...row);
    rows.push(Array.from(row, (v) => v / norm));
  }
  return rows;
}

module.exports = { expectedEmbeddings, linearEmbeddingModel };
