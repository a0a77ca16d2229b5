'use strict';
// Against a real broker, only when F2C_TEST_BOOTSTRAP=HOST:PORT is set (skipped otherwise; the Java
// integration test runs the CLI against its embedded broker). Publishes with a transactional
// kafkajs producer: an f2cm version, a complete ONNX version, a corrupt one, an aborted one, a
// record that is no ModelUpdate, and a version left in an open transaction while the CLI reads.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { encodeModelUpdate, loadSchemas, networkInput, readPixels, sha256Hex, specOf } = require('../lib');
const { createKafka } = require('../lib/kafka');
const { chunks, schemaDir } = require('./helpers/records');
const { expectedEmbeddings, linearEmbeddingModel } = require('./helpers/onnx');
const { goldenImages } = require('./helpers/fixtures');

const BOOTSTRAP = process.env.F2C_TEST_BOOTSTRAP;
const skip = BOOTSTRAP ? false : 'set F2C_TEST_BOOTSTRAP=HOST:PORT to run against a broker';
const INPUT = { size: 4, channels: 1, cropFraction: 0.875, normMean: 127.5, normScale: 128 };
const MODEL = { channels: 1, size: 4, dim: 6, weights: Float32Array.from({ length: 96 }, (_, i) => Math.cos(i)) };

function cli(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(__dirname, '..', 'bin', 'f2c-embed.js'), ...args],
      { timeout: 120000 }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test('the CLI takes the newest complete committed ONNX version and embeds like the model', { skip, timeout: 180000 }, async () => {
  const topic = `f2c-node-${crypto.randomUUID()}`;
  const schemas = loadSchemas(schemaDir());
  const kafka = createKafka({ brokers: [BOOTSTRAP] });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ transactionalId: `f2c-node-${crypto.randomUUID()}`, maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  const send = async (records, { commit = true } = {}) => {
    const txn = await producer.transaction();
    await txn.send({ topic, messages: records.map((r) => ({ key: r.modelName, value: encodeModelUpdate(schemas, r, 3) })) });
    if (commit === true) await txn.commit();
    else if (commit === false) await txn.abort();
    return txn;
  };
  const model = linearEmbeddingModel(MODEL);
  const fields = { input: INPUT, embeddingDim: 6, verificationThreshold: 0.35 };
  const other = Buffer.from('not an onnx model');
  await send(chunks(other, 2, { ...fields, version: 1, format: 'f2cm' }));
  await send(chunks(model, 3, { ...fields, version: 2, format: 'onnx', createdAt: 1700000000002 }));
  await send(chunks(model, 3, { ...fields, version: 3, format: 'onnx', sha256: sha256Hex(other) }));
  await send(chunks(model, 3, { ...fields, version: 4, format: 'onnx' }), { commit: false });
  const plain = kafka.producer();
  await plain.connect();
  await plain.send({ topic, messages: [{ key: 'faces', value: Buffer.from('garbage') }] });
  await plain.disconnect();
  const open = await send(chunks(model, 3, { ...fields, version: 5, format: 'onnx' }), { commit: null });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2c-broker-'));
  const files = ['a.pgm', 'ga8.png'].map((name) => {
    fs.writeFileSync(path.join(dir, name), goldenImages()[name]);
    return path.join(dir, name);
  });
  const result = await cli(['--bootstrap', BOOTSTRAP, '--topic', topic, '--schemas', schemas.dir,
    '--timeout-ms', '60000', '--model', 'faces', ...files]);
  await open.abort();
  await producer.disconnect();

  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]);
  assert.equal(out.model, 'faces');
  assert.equal(out.version, 2);
  assert.equal(out.sha256, sha256Hex(model));
  assert.equal(out.architecture, 'small-cnn');
  assert.equal(out.embeddingDim, 6);
  assert.equal(out.verificationThreshold, 0.35);
  const spec = specOf(INPUT);
  const batch = new Float32Array(2 * 16);
  files.forEach((f, i) => networkInput(readPixels(fs.readFileSync(f)), spec, batch, i * 16));
  const expected = expectedEmbeddings(batch, 2, MODEL);
  assert.equal(out.embeddings.length, 2);
  out.embeddings.forEach((row, i) => row.forEach((v, d) => assert.ok(Math.abs(v - expected[i][d]) < 1e-5)));
});

test('the CLI waits for a first version when the topic has none yet', { skip, timeout: 180000 }, async () => {
  const topic = `f2c-node-${crypto.randomUUID()}`;
  const schemas = loadSchemas(schemaDir());
  const kafka = createKafka({ brokers: [BOOTSTRAP] });
  const pending = cli(['--bootstrap', BOOTSTRAP, '--topic', topic, '--schemas', schemas.dir, '--timeout-ms', '60000']);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
  await admin.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const producer = kafka.producer();
  await producer.connect();
  const model = linearEmbeddingModel(MODEL);
  await producer.send({ topic, messages: chunks(model, 2, { input: INPUT, embeddingDim: 6, version: 9 })
    .map((r) => ({ key: r.modelName, value: encodeModelUpdate(schemas, r, 3) })) });
  await producer.disconnect();
  const result = await pending;
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.equal(out.version, 9);
  assert.equal(out.verificationThreshold, null);
  assert.deepEqual(out.embeddings, []);
});
