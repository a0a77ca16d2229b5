'use strict';
// The Embedder on a hand-written ONNX model with the published contract (the real models come from
// the Java exporter; its integration test runs the CLI on them).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Embedder, networkInput, readPixels, specOf } = require('../lib');
const { expectedEmbeddings, linearEmbeddingModel } = require('./helpers/onnx');
const { goldenImages } = require('./helpers/fixtures');

const INPUT = { size: 6, channels: 3, cropFraction: 0.875, normMean: 127.5, normScale: 128 };
const MODEL = {
  channels: 3, size: 6, dim: 8,
  weights: Float32Array.from({ length: 3 * 6 * 6 * 8 }, (_, i) => Math.sin(i * 0.37)),
};

test('embedFiles preprocesses like Java and returns one L2-normalised row per image', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2c-embed-'));
  const images = goldenImages();
  const files = ['a.pgm', 'rgb8-trns.png', 'grey8.png'].map((name) => {
    fs.writeFileSync(path.join(dir, name), images[name]);
    return path.join(dir, name);
  });
  const embedder = await Embedder.create(linearEmbeddingModel(MODEL), { input: INPUT, embeddingDim: 8 });
  const rows = await embedder.embedFiles(files);
  assert.equal(rows.length, 3);

  const spec = specOf(INPUT);
  const length = 3 * 6 * 6;
  const batch = new Float32Array(3 * length);
  files.forEach((f, i) => networkInput(readPixels(fs.readFileSync(f)), spec, batch, i * length));
  const expected = expectedEmbeddings(batch, 3, MODEL);
  rows.forEach((row, i) => {
    assert.equal(row.length, 8);
    row.forEach((v, d) => assert.ok(Math.abs(v - expected[i][d]) < 1e-5, `row ${i} dim ${d}: ${v} vs ${expected[i][d]}`));
    assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-5);
  });
  await embedder.release();
});

test('a model whose contract differs from the published version is refused with the reason', async () => {
  const model = linearEmbeddingModel(MODEL);
  await assert.rejects(Embedder.create(model, { input: { ...INPUT, size: 7 }, embeddingDim: 8 }),
    /input 'images' has shape \[batch,3,6,6\], but the published version says \[batch, 3, 7, 7\]/);
  const embedder = await Embedder.create(model, { input: INPUT, embeddingDim: 9 });
  await assert.rejects(embedder.embedTensors(new Float32Array(108), 1),
    /embeddings of shape \[1,8\], expected \[1, 9\]/);
  await assert.rejects(Embedder.create(Buffer.from('not a model'), { input: INPUT, embeddingDim: 8 }));
  await assert.rejects(embedder.embedFiles(['/nonexistent/face.png']), /\/nonexistent\/face.png: no such file/);
});
