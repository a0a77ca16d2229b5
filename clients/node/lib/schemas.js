'use strict';
// Avro single-object decoding of io.f2c.schema.ModelUpdate, as the Java AvroCodec writes it:
// C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical
// Form, then the Avro binary body. The writer schema is picked by fingerprint among the released
// ModelUpdate-v*.avsc files and resolved to the newest one, so fields it lacks get their defaults.

const fs = require('node:fs');
const path = require('node:path');
const avro = require('avsc');

const MAGIC = [0xc3, 0x01];
const HEADER = 10;
const TYPE_NAME = 'ModelUpdate';

/** The released schemas in this repository, relative to clients/node/lib. */
const DEFAULT_SCHEMA_DIR = path.resolve(
  __dirname,
  '../../../kafka-schemas/src/main/resources/io/f2c/schema/released'
);

// ---- CRC-64-AVRO (Rabin), as in the Avro specification ------------------------------------------

const EMPTY = 0xc15d213aa4d7a795n;
const TABLE = (() => {
  const table = new Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) {
      fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
    }
    table[i] = fp;
  }
  return table;
})();

/** CRC-64-AVRO of the bytes (a string is taken as UTF-8), as an unsigned 64-bit BigInt. */
function fingerprint64(data) {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fp = EMPTY;
  for (const b of bytes) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)];
  }
  return fp;
}

/** The fingerprint as Java's String.format("%016x", long) prints it. */
function fingerprintHex(fp) {
  return fp.toString(16).padStart(16, '0');
}

// ---- Parsing Canonical Form ---------------------------------------------------------------------
// Written out rather than taken from avsc's getSchema(): the spec's rules (full names; only name,
// type, fields, symbols, items, values, size, in that order; primitives and logical types reduced to
// the bare type name; named types spelled out once, then referenced by full name) are what Java's
// SchemaNormalization implements, and the fingerprint must match Java's byte for byte.

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function fullName(name, namespace) {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function namespaceOf(full) {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}

function canonical(schema, namespace = '', seen = new Set()) {
  if (typeof schema === 'string') {
    return JSON.stringify(PRIMITIVES.has(schema) ? schema : fullName(schema, namespace));
  }
  if (Array.isArray(schema)) {
    return `[${schema.map((s) => canonical(s, namespace, seen)).join(',')}]`;
  }
  if (schema === null || typeof schema !== 'object') {
    throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);
  }
  const type = schema.type;
  if (typeof type !== 'string') {
    return canonical(type, namespace, seen); // {"type": <schema>} wraps a schema
  }
  if (PRIMITIVES.has(type)) {
    return JSON.stringify(type); // drops logicalType and every other attribute
  }
  if (type === 'array') {
    return `{"type":"array","items":${canonical(schema.items, namespace, seen)}}`;
  }
  if (type === 'map') {
    return `{"type":"map","values":${canonical(schema.values, namespace, seen)}}`;
  }
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const name = fullName(schema.name, schema.namespace ?? namespace);
    if (seen.has(name)) {
      return JSON.stringify(name);
    }
    seen.add(name);
    const head = `{"name":${JSON.stringify(name)},"type":${JSON.stringify(type)}`;
    if (type === 'enum') {
      return `${head},"symbols":[${schema.symbols.map((s) => JSON.stringify(s)).join(',')}]}`;
    }
    if (type === 'fixed') {
      return `${head},"size":${Number(schema.size)}}`;
    }
    const inner = namespaceOf(name);
    const fields = schema.fields.map(
      (f) => `{"name":${JSON.stringify(f.name)},"type":${canonical(f.type, inner, seen)}}`
    );
    return `${head},"fields":[${fields.join(',')}]}`;
  }
  return JSON.stringify(fullName(type, namespace)); // {"type":"SomeNamedType"}
}

function schemaFingerprint(schemaJson) {
  return fingerprint64(canonical(schemaJson));
}

// ---- Released schemas and decoding --------------------------------------------------------------

class MalformedRecordError extends Error {}

/**
 * Loads every released ModelUpdate-v<N>.avsc of a directory; the newest is the reader schema.
 * Returns {dir, reader, writers: Map(fingerprintHex -> {version, file, type, resolver})}.
 */
function loadSchemas(dir = DEFAULT_SCHEMA_DIR) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw new Error(`cannot read the schema directory ${dir} (${e.code || e.message}): ` +
      'pass --schemas pointing at kafka-schemas/src/main/resources/io/f2c/schema/released');
  }
  const released = names
    .map((file) => ({ file, match: /^ModelUpdate-v(\d+)\.avsc$/.exec(file) }))
    .filter((x) => x.match)
    .map(({ file, match }) => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      return { version: Number(match[1]), file, json, fingerprint: schemaFingerprint(json) };
    })
    .sort((a, b) => a.version - b.version);
  if (released.length === 0) {
    throw new Error(`no ModelUpdate-v*.avsc in ${dir}: pass --schemas pointing at ` +
      'kafka-schemas/src/main/resources/io/f2c/schema/released');
  }
  const newest = released[released.length - 1];
  const reader = avro.Type.forSchema(newest.json);
  const writers = new Map();
  for (const r of released) {
    const type = r === newest ? reader : avro.Type.forSchema(r.json);
    const resolver = r === newest ? undefined : reader.createResolver(type);
    writers.set(fingerprintHex(r.fingerprint), { version: r.version, file: r.file, type, resolver });
  }
  return { dir, reader, readerVersion: newest.version, writers };
}

/** Decodes one single-object encoded ModelUpdate; throws MalformedRecordError saying why not. */
function decodeModelUpdate(schemas, bytes) {
  if (!bytes || bytes.length === 0) {
    throw new MalformedRecordError(`empty record, expected an Avro ${TYPE_NAME}`);
  }
  if (bytes.length < HEADER || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1]) {
    throw new MalformedRecordError(
      `not Avro single-object encoding (bad header): expected a ${TYPE_NAME}`);
  }
  const hex = fingerprintHex(bytes.readBigUInt64LE(2));
  const writer = schemas.writers.get(hex);
  if (!writer) {
    const known = [...schemas.writers].map(([fp, w]) => `v${w.version} ${fp}`).join(', ');
    throw new MalformedRecordError(
      `unknown schema fingerprint ${hex}: the record was not written with a released ` +
      `${TYPE_NAME} schema known to this client (${schemas.dir} has ${known}); ` +
      'point --schemas at a directory with the newer ModelUpdate-v*.avsc');
  }
  try {
    return schemas.reader.fromBuffer(bytes.subarray(HEADER), writer.resolver);
  } catch (e) {
    throw new MalformedRecordError(`corrupt ${TYPE_NAME} record (writer schema v${writer.version}): ${e.message}`);
  }
}

/** Encodes a record with one of the loaded schemas (tests and tools; the Java side publishes). */
function encodeModelUpdate(schemas, record, version = schemas.readerVersion) {
  for (const [hex, w] of schemas.writers) {
    if (w.version === version) {
      const head = Buffer.alloc(HEADER);
      head[0] = MAGIC[0];
      head[1] = MAGIC[1];
      head.writeBigUInt64LE(BigInt(`0x${hex}`), 2);
      return Buffer.concat([head, w.type.toBuffer(record)]);
    }
  }
  throw new Error(`no ModelUpdate-v${version}.avsc loaded`);
}

module.exports = {
  DEFAULT_SCHEMA_DIR,
  MalformedRecordError,
  canonical,
  decodeModelUpdate,
  encodeModelUpdate,
  fingerprint64,
  fingerprintHex,
  loadSchemas,
  schemaFingerprint,
};
