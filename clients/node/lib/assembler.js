'use strict';
// Puts ModelUpdate chunks back together with exactly the rules of the Java
// io.f2c.model.ModelAssembler: a version is complete when all its chunks arrived and the SHA-256 of
// their concatenation (in index order) matches the sha256 of the chunk that completed it; a chunk
// that does not fit, or a checksum mismatch, makes the version corrupt (reported, never handed
// out); chunks of a version <= the last completed one of that model are ignored; a chunk of another
// version than the one being assembled starts that version afresh.

const crypto = require('node:crypto');

class CorruptModelError extends Error {}

function sha256Hex(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

class ModelAssembler {
  constructor() {
    this.partials = new Map(); // model name -> {version, chunks: Buffer[], received}
    this.completed = new Map(); // model name -> last completed version
  }

  /**
   * Adds a decoded chunk; returns {header, blob} once its version is complete and verified, else
   * null. Throws CorruptModelError for a version that cannot be completed correctly.
   */
  add(chunk) {
    const name = chunk.modelName;
    const version = chunk.version;
    if (this.completed.has(name) && version <= this.completed.get(name)) {
      return null;
    }
    let partial = this.partials.get(name);
    if (!partial || partial.version !== version) {
      // Java allocates new ByteBuffer[chunkCount]; a negative count would throw there, a corrupt
      // version here.
      const count = Math.max(0, chunk.chunkCount);
      partial = { version, chunks: new Array(count).fill(null), received: 0 };
      this.partials.set(name, partial);
    }
    const index = chunk.chunkIndex;
    if (index < 0 || index >= partial.chunks.length || chunk.chunkCount !== partial.chunks.length) {
      this.partials.delete(name);
      throw new CorruptModelError(
        `model ${name} v${version}: chunk ${index} of ${chunk.chunkCount} does not fit a version ` +
        `of ${partial.chunks.length} chunks`);
    }
    if (partial.chunks[index] === null) {
      partial.received++;
    }
    partial.chunks[index] = Buffer.from(chunk.chunk); // a copy, not a view into the fetch buffer
    if (partial.received < partial.chunks.length) {
      return null;
    }
    this.partials.delete(name);
    const blob = Buffer.concat(partial.chunks);
    const sha = sha256Hex(blob);
    if (sha !== chunk.sha256) {
      throw new CorruptModelError(
        `model ${name} v${version}: SHA-256 ${sha} does not match the published ${chunk.sha256}`);
    }
    this.completed.set(name, version);
    return { header: chunk, blob };
  }
}

module.exports = { CorruptModelError, ModelAssembler, sha256Hex };
