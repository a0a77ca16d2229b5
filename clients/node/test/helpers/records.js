'use strict';
// ModelUpdate records for tests, and a schema directory with v1, v2 (the released files) and v3 as
// the wire contract defines it (v2 + format + verificationThreshold), so tests do not depend on
// whether the released v3 file is there yet.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DEFAULT_SCHEMA_DIR, sha256Hex } = require('../../lib');

function v3Json() {
  const v2 = JSON.parse(fs.readFileSync(path.join(DEFAULT_SCHEMA_DIR, 'ModelUpdate-v2.avsc'), 'utf8'));
  v2.fields.push(
    { name: 'format', type: 'string', default: 'f2cm' },
    { name: 'verificationThreshold', type: ['null', 'float'], default: null });
  return v2;
}

function schemaDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2c-schemas-'));
  for (const v of [1, 2]) {
    fs.copyFileSync(path.join(DEFAULT_SCHEMA_DIR, `ModelUpdate-v${v}.avsc`), path.join(dir, `ModelUpdate-v${v}.avsc`));
  }
  fs.writeFileSync(path.join(dir, 'ModelUpdate-v3.avsc'), JSON.stringify(v3Json()));
  return dir;
}

function record(overrides = {}) {
  return {
    modelName: 'faces', version: 1, trainingStep: 10, createdAt: 1700000000000,
    architecture: 'small-cnn',
    input: { size: 4, channels: 1, cropFraction: 0.875, normMean: 127.5, normScale: 128 },
    embeddingDim: 5, chunkIndex: 0, chunkCount: 1, chunk: Buffer.from('abc'), sha256: sha256Hex(Buffer.from('abc')),
    metrics: { loss: 1.5, poolOccupancy: 0.5, imagesSeen: 100, identitiesSeen: 10 },
    testTimeFlip: false, format: 'onnx', verificationThreshold: null,
    ...overrides,
  };
}

/** The chunks of one version of `blob`, split in `count` parts. */
function chunks(blob, count, fields = {}) {
  const size = Math.ceil(blob.length / count);
  return Array.from({ length: count }, (_, i) => record({
    chunkIndex: i, chunkCount: count, chunk: blob.subarray(i * size, (i + 1) * size), sha256: sha256Hex(blob), ...fields,
  }));
}

module.exports = { chunks, record, schemaDir, v3Json };
