'use strict';
// Embeds face images with an ONNX model version: input `images` float32 [batch, C, S, S], already
// normalised; output `embeddings` float32 [batch, D], L2-normalised (test-time flip, when the model
// uses it, is inside the graph). Preprocessing follows the version's ModelUpdate `input` record,
// the source of truth (onnxruntime-node does not expose the model's metadata_props).

const fs = require('node:fs');
const ort = require('onnxruntime-node');
const { readPixels } = require('./images');
const { networkInput, specOf, tensorLength } = require('./preprocess');

const INPUT = 'images';
const OUTPUT = 'embeddings';

class Embedder {
  constructor(session, spec, embeddingDim) {
    this.session = session;
    this.spec = spec;
    this.embeddingDim = embeddingDim;
  }

  /**
   * Loads an ONNX model (bytes) for the ModelUpdate fields `input` {size, channels, cropFraction,
   * normMean, normScale} and `embeddingDim`.
   */
  static async create(modelBytes, { input, embeddingDim }) {
    const spec = specOf(input);
    const session = await ort.InferenceSession.create(modelBytes, {
      executionProviders: ['cpu'],
      logSeverityLevel: 3, // errors only, and ONNX Runtime logs to stderr, never stdout
    });
    if (!session.inputNames.includes(INPUT) || !session.outputNames.includes(OUTPUT)) {
      throw new Error(`the ONNX model has inputs [${session.inputNames}] and outputs ` +
        `[${session.outputNames}], expected input '${INPUT}' and output '${OUTPUT}'`);
    }
    checkInputShape(session, spec);
    return new Embedder(session, spec, embeddingDim);
  }

  /** Embeds `count` preprocessed images (CHW each, concatenated); returns [count * D] floats. */
  async embedTensors(images, count) {
    const length = tensorLength(this.spec);
    if (images.length !== count * length) {
      throw new Error(`expected ${count} x ${length} floats, got ${images.length}`);
    }
    const { channels, size } = this.spec;
    const feeds = { [INPUT]: new ort.Tensor('float32', images, [count, channels, size, size]) };
    const output = (await this.session.run(feeds, [OUTPUT]))[OUTPUT];
    const [rows, dim] = output.dims;
    if (output.dims.length !== 2 || rows !== count || dim !== this.embeddingDim) {
      throw new Error(`the model returned ${OUTPUT} of shape [${output.dims}], expected ` +
        `[${count}, ${this.embeddingDim}] (embeddingDim of the published version)`);
    }
    return output.data;
  }

  /** Embeds image files (PNG or binary PGM) in one batch; returns one Float32Array per file. */
  async embedFiles(paths) {
    return this.embedPixels(paths.map(readImageFile));
  }

  /** Embeds decoded images ({width, height, rgb}, see images.js) in one batch. */
  async embedPixels(images) {
    if (images.length === 0) return [];
    const length = tensorLength(this.spec);
    const batch = new Float32Array(images.length * length);
    images.forEach((pixels, i) => networkInput(pixels, this.spec, batch, i * length));
    const values = await this.embedTensors(batch, images.length);
    const dim = this.embeddingDim;
    return images.map((_, i) => values.slice(i * dim, (i + 1) * dim));
  }

  async release() {
    await this.session.release();
  }
}

/** Reads and decodes one image file; the error names the file. */
function readImageFile(file) {
  try {
    return readPixels(fs.readFileSync(file));
  } catch (e) {
    throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

/** Where the model declares fixed dimensions, they must be the ModelUpdate's channels and size. */
function checkInputShape(session, spec) {
  const meta = (session.inputMetadata || []).find((m) => m.name === INPUT);
  if (!meta || !meta.isTensor || !Array.isArray(meta.shape) || meta.shape.length === 0) return;
  const expected = [null, spec.channels, spec.size, spec.size];
  const wrong = meta.shape.length !== 4 ||
    meta.shape.some((d, i) => i > 0 && typeof d === 'number' && d > 0 && d !== expected[i]);
  if (wrong) {
    throw new Error(`the ONNX model's input '${INPUT}' has shape [${meta.shape}], but the ` +
      `published version says [batch, ${spec.channels}, ${spec.size}, ${spec.size}]`);
  }
}

module.exports = { Embedder, INPUT, OUTPUT, readImageFile };
