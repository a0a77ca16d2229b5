'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const avro = require('avsc');
const {
  DEFAULT_SCHEMA_DIR, MalformedRecordError, canonical, decodeModelUpdate, encodeModelUpdate,
  fingerprint64, fingerprintHex, loadSchemas, schemaFingerprint,
} = require('../lib/schemas');
const { v3Json, record, schemaDir } = require('./helpers/records');

// Values printed by Java: String.format("%016x", SchemaNormalization.parsingFingerprint64(schema))
// (Avro 1.12.1), the computation of the Java AvroCodec / SingleObjectReader.
const JAVA_FINGERPRINTS = {
  'ModelUpdate-v1.avsc': 'a67abd5125d65c18',
  'ModelUpdate-v2.avsc': '27707f7bff81d8cb',
  'ModelUpdate-v3.avsc': 'e8c4ab0e6689c607', // v2 + format + verificationThreshold
};

test('CRC-64-AVRO: empty input and primitive schemas, as in the Avro spec and Java', () => {
  assert.equal(fingerprint64(''), 0xc15d213aa4d7a795n);
  assert.equal(fingerprintHex(fingerprint64('"null"')), '63dd24e7cc258f8a'); // 7195948357588979594
  assert.equal(fingerprintHex(fingerprint64('"int"')), '7275d51a3f395c8f');
  assert.equal(fingerprintHex(schemaFingerprint({ type: 'int', logicalType: 'date' })), '7275d51a3f395c8f');
});

test('Parsing Canonical Form: full names, attribute order, stripped attributes, references', () => {
  const schema = {
    type: 'record', name: 'R', namespace: 'a.b', doc: 'x',
    fields: [
      { name: 'f', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] }, default: 'A' },
      { name: 'g', type: { type: 'fixed', name: 'c.F', size: 16 } },
      { name: 'h', type: ['null', 'E', { type: 'array', items: 'c.F' }] },
      { name: 'm', type: { type: 'map', values: { type: 'int', logicalType: 'date' } } },
      { name: 'n', type: { type: 'record', name: 'N', fields: [{ name: 'e', type: 'E' }] } },
    ],
  };
  // Java's SchemaNormalization.toParsingForm of the same schema.
  assert.equal(canonical(schema),
    '{"name":"a.b.R","type":"record","fields":[{"name":"f","type":{"name":"a.b.E","type":"enum",' +
    '"symbols":["A","B"]}},{"name":"g","type":{"name":"c.F","type":"fixed","size":16}},{"name":"h",' +
    '"type":["null","a.b.E",{"type":"array","items":"c.F"}]},{"name":"m","type":{"type":"map",' +
    '"values":"int"}},{"name":"n","type":{"name":"a.b.N","type":"record","fields":[{"name":"e",' +
    '"type":"a.b.E"}]}}]}');
  assert.equal(fingerprintHex(schemaFingerprint(schema)), '5cf15da43e0f97eb');
});

test('released ModelUpdate schemas: fingerprints equal Java\'s', () => {
  const files = fs.readdirSync(DEFAULT_SCHEMA_DIR).filter((f) => /^ModelUpdate-v\d+\.avsc$/.test(f));
  assert.ok(files.includes('ModelUpdate-v1.avsc') && files.includes('ModelUpdate-v2.avsc'));
  for (const file of files) {
    const json = JSON.parse(fs.readFileSync(path.join(DEFAULT_SCHEMA_DIR, file), 'utf8'));
    if (JAVA_FINGERPRINTS[file]) {
      assert.equal(fingerprintHex(schemaFingerprint(json)), JAVA_FINGERPRINTS[file], file);
    }
    // avsc agrees on these schemas (this client does not rely on it).
    assert.equal(JSON.stringify(avro.Type.forSchema(json).getSchema()), canonical(json), file);
  }
  assert.equal(fingerprintHex(schemaFingerprint(v3Json())), JAVA_FINGERPRINTS['ModelUpdate-v3.avsc']);
});

test('decodes records of every version into the newest schema, with defaults', () => {
  const schemas = loadSchemas(schemaDir());
  assert.equal(schemas.readerVersion, 3);
  const v1 = decodeModelUpdate(schemas, encodeModelUpdate(schemas, record({ version: 7 }), 1));
  assert.equal(v1.version, 7);
  assert.equal(v1.modelName, 'faces');
  assert.equal(v1.testTimeFlip, false);
  assert.equal(v1.format, 'f2cm');
  assert.equal(v1.verificationThreshold, null);
  assert.deepEqual(v1.chunk, Buffer.from('abc'));
  assert.equal(Math.fround(v1.input.cropFraction), Math.fround(0.875));

  const v3 = decodeModelUpdate(schemas, encodeModelUpdate(schemas,
    record({ format: 'onnx', verificationThreshold: 0.35, testTimeFlip: true }), 3));
  assert.equal(v3.format, 'onnx');
  assert.equal(v3.verificationThreshold, Math.fround(0.35));
  assert.equal(v3.testTimeFlip, true);
  assert.equal(Number(v3.createdAt), 1700000000000);
});

test('refuses an unknown fingerprint naming it, a bad header and a truncated body', () => {
  const schemas = loadSchemas(schemaDir());
  const bytes = encodeModelUpdate(schemas, record(), 3);
  const unknown = Buffer.from(bytes);
  unknown.writeBigUInt64LE(0x0123456789abcdefn, 2);
  assert.throws(() => decodeModelUpdate(schemas, unknown),
    (e) => e instanceof MalformedRecordError && /unknown schema fingerprint 0123456789abcdef/.test(e.message));
  assert.throws(() => decodeModelUpdate(schemas, Buffer.from('{"json":1}')), /bad header/);
  assert.throws(() => decodeModelUpdate(schemas, Buffer.alloc(0)), /empty record/);
  assert.throws(() => decodeModelUpdate(schemas, bytes.subarray(0, bytes.length - 3)), /corrupt ModelUpdate/);
});

test('a schema directory without ModelUpdate schemas is an error that says what to pass', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'f2c-empty-'));
  assert.throws(() => loadSchemas(empty), /no ModelUpdate-v\*\.avsc in .*--schemas/);
  assert.throws(() => loadSchemas(path.join(empty, 'missing')), /cannot read the schema directory/);
});

test('decodes a record the Java AvroCodec encoded (fixtures/java-modelupdate-v3.bin)', () => {
  const bytes = fs.readFileSync(path.join(__dirname, 'fixtures', 'java-modelupdate-v3.bin'));
  assert.equal(bytes.subarray(2, 10).readBigUInt64LE(), BigInt(`0x${JAVA_FINGERPRINTS['ModelUpdate-v3.avsc']}`));
  const u = decodeModelUpdate(loadSchemas(schemaDir()), bytes);
  assert.equal(u.modelName, 'faces');
  assert.equal(u.version, 42);
  assert.equal(Number(u.createdAt), 1700000000123);
  assert.equal(u.architecture, 'mobilefacenet');
  assert.deepEqual({ ...u.input }, { size: 112, channels: 3, cropFraction: 0.875, normMean: 127.5, normScale: 128 });
  assert.equal(u.embeddingDim, 128);
  assert.deepEqual([u.chunkIndex, u.chunkCount, [...u.chunk], u.sha256], [1, 3, [1, 2, 3, 255], '00ff']);
  assert.deepEqual({ ...u.metrics }, { loss: 0.25, poolOccupancy: 0.5, imagesSeen: 1000, identitiesSeen: 77 });
  assert.equal(u.testTimeFlip, true);
  assert.equal(u.format, 'onnx');
  assert.equal(u.verificationThreshold, Math.fround(0.35));
});
