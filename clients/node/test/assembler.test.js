'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { CorruptModelError, ModelAssembler, sha256Hex } = require('../lib/assembler');
const { chunks, record } = require('./helpers/records');

const BLOB = Buffer.from('the parameters of one model version, in several chunks');

test('a version completes when all chunks arrived and the checksum matches', () => {
  const assembler = new ModelAssembler();
  const parts = chunks(BLOB, 3);
  assert.equal(assembler.add(parts[0]), null);
  assert.equal(assembler.add(parts[1]), null);
  const done = assembler.add(parts[2]);
  assert.deepEqual(done.blob, BLOB);
  assert.equal(done.header.version, 1);
  assert.equal(sha256Hex(done.blob), done.header.sha256);
});

test('chunks may arrive out of order; a repeated chunk is counted once', () => {
  const assembler = new ModelAssembler();
  const [a, b, c] = chunks(BLOB, 3);
  assert.equal(assembler.add(c), null);
  assert.equal(assembler.add(a), null);
  assert.equal(assembler.add(c), null);
  assert.deepEqual(assembler.add(b).blob, BLOB);
});

test('a missing chunk leaves the version incomplete', () => {
  const assembler = new ModelAssembler();
  const [a, , c] = chunks(BLOB, 3);
  assert.equal(assembler.add(a), null);
  assert.equal(assembler.add(c), null);
});

test('a checksum mismatch makes the version corrupt', () => {
  const assembler = new ModelAssembler();
  const parts = chunks(BLOB, 2, { sha256: sha256Hex(Buffer.from('something else')) });
  assembler.add(parts[0]);
  assert.throws(() => assembler.add(parts[1]),
    (e) => e instanceof CorruptModelError && /model faces v1: SHA-256 [0-9a-f]{64} does not match/.test(e.message));
  // The corrupt version was dropped: a correct publication of the next version still completes.
  const next = chunks(BLOB, 2, { version: 2 });
  assembler.add(next[0]);
  assert.equal(assembler.add(next[1]).header.version, 2);
});

test('a chunk that does not fit makes the version corrupt and drops it', () => {
  const assembler = new ModelAssembler();
  const parts = chunks(BLOB, 3);
  assembler.add(parts[0]);
  assert.throws(() => assembler.add({ ...parts[1], chunkCount: 4 }),
    /model faces v1: chunk 1 of 4 does not fit a version of 3 chunks/);
  assert.throws(() => new ModelAssembler().add(record({ chunkIndex: 3, chunkCount: 3 })),
    /chunk 3 of 3 does not fit a version of 3 chunks/);
  assert.throws(() => new ModelAssembler().add(record({ chunkIndex: -1 })), CorruptModelError);
  // The partial version was dropped: its remaining chunks start it afresh and cannot complete it.
  assert.equal(assembler.add(parts[1]), null);
  assert.equal(assembler.add(parts[2]), null);
});

test('versions at or below the last completed one are ignored', () => {
  const assembler = new ModelAssembler();
  for (const part of chunks(BLOB, 2, { version: 5 })) assembler.add(part);
  for (const version of [5, 4]) {
    const old = chunks(BLOB, 1, { version });
    assert.equal(assembler.add(old[0]), null, `v${version}`);
  }
  assert.equal(assembler.add(chunks(BLOB, 1, { version: 6 })[0]).header.version, 6);
});

test('a chunk of another version restarts assembly; models are assembled independently', () => {
  const assembler = new ModelAssembler();
  const v1 = chunks(BLOB, 2, { version: 1 });
  const v2 = chunks(BLOB, 2, { version: 2 });
  const other = chunks(BLOB, 2, { modelName: 'other' });
  assembler.add(v1[0]);
  assembler.add(other[0]);
  assembler.add(v2[0]); // v1's partial is replaced, as in Java
  assert.equal(assembler.add(v1[1]), null); // starts v1 afresh, now missing chunk 0
  assert.equal(assembler.add(other[1]).header.modelName, 'other');
});
