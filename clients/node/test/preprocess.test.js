'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { LINEAR_GREY_TO_SRGB, parsePgmHeader, readPixels } = require('../lib/images');
const { cropSide, networkInput, specOf, tensorLength, toBytes } = require('../lib/preprocess');
const { GOLDEN_SPECS, goldenImages } = require('./helpers/fixtures');
const { encodePng } = require('./helpers/png');
const golden = require('./fixtures/java-preprocess.json');

const pgm = (w, h, values, header = `P5\n${w} ${h}\n255\n`) =>
  Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(values)]);
const spec = (size, channels, cropFraction = 1) =>
  specOf({ size, channels, cropFraction, normMean: 127.5, normScale: 128 });

test('PGM header: comments, any whitespace, one byte before the pixels', () => {
  const header = parsePgmHeader(Buffer.from('P5\n# ORL face\n92 112\n255\nxyz', 'latin1'));
  assert.deepEqual(header, { width: 92, height: 112, maxValue: 255, dataOffset: 25 });
  assert.throws(() => parsePgmHeader(Buffer.from('P2\n1 1\n255\n0')), /only binary PGM \(P5\)/);
  assert.throws(() => parsePgmHeader(Buffer.from('GIF89a')), /no 'P' magic/);
  assert.throws(() => parsePgmHeader(Buffer.from('P5\n4 4\n')), /missing maxval/);
  assert.throws(() => readPixels(pgm(4, 4, [1, 2, 3])), /PGM data is truncated: header declares 16 bytes of pixels, file has 3/);
  assert.throws(() => readPixels(pgm(0, 4, [])), /empty image/);
});

test('PGM samples scale to 0..255 (maxval 100, 16-bit) and become grey RGB', () => {
  const p = readPixels(pgm(3, 1, [0, 50, 100], 'P5 3 1 100\n'));
  // 50 * (255.0 / 100) is 127.49999999999999 in double: 127, as in Java.
  assert.deepEqual([...p.rgb], [0, 0, 0, 127, 127, 127, 255, 255, 255]);
  const wide = readPixels(pgm(2, 1, [0x03, 0xe8, 0x07, 0xd0], 'P5 2 1 1000\n')); // 1000, 2000 > maxval
  assert.deepEqual([...wide.rgb], [255, 255, 255, 255, 255, 255]);
});

// 4x4 grey image, value 10 * (4y + x):
//    0  10  20  30
//   40  50  60  70
//   80  90 100 110
//  120 130 140 150
const GRID = Array.from({ length: 16 }, (_, i) => 10 * i);

test('resample 4x4 to 2 with crop 1.0: each output is the mean of a 2x2 block (taps at 0.5, 2.5)', () => {
  const bytes = toBytes(readPixels(pgm(4, 4, GRID)), spec(2, 1));
  assert.deepEqual([...bytes], [25, 45, 105, 125]);
  const rgb = toBytes(readPixels(pgm(4, 4, GRID)), spec(2, 3));
  assert.deepEqual([...rgb], [25, 45, 105, 125, 25, 45, 105, 125, 25, 45, 105, 125]); // CHW
  const input = networkInput(readPixels(pgm(4, 4, GRID)), spec(2, 1), new Float32Array(4), 0);
  assert.deepEqual([...input], [(25 - 127.5) / 128, (45 - 127.5) / 128, (105 - 127.5) / 128, (125 - 127.5) / 128]);
});

test('central crop: 4x4 with crop 0.5 to 1 samples the centre 2x2 block', () => {
  assert.equal(cropSide(4, 4, 0.5), 2);
  assert.deepEqual([...toBytes(readPixels(pgm(4, 4, GRID)), spec(1, 1, 0.5))], [75]); // (50+60+90+100)/4
  assert.equal(cropSide(5, 9, 0.7), 4); // round(3.5) rounds half up
  assert.equal(cropSide(3, 3, 0.1), 1); // never below one pixel
});

test('upsampling clamps the taps at the borders', () => {
  // 2x2 [[0, 100], [200, 40]] to 4: taps at -0.25, 0.25, 0.75, 1.25 clamp to 0, 0.25, 0.75, 1.
  const bytes = toBytes(readPixels(pgm(2, 2, [0, 100, 200, 40])), spec(4, 1));
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 25, 75, 100]);
  assert.deepEqual([...bytes.subarray(12, 16)], [200, 160, 80, 40]);
});

test('each resampled value is rounded half up to a byte before normalisation', () => {
  // 2x2 [[0, 1], [0, 1]] to 1: the mean 0.5 rounds to 1, as Java's Math.round does; in grey the
  // weighted sum is 0.49999999999999994 in double, hence 0 (in Java too).
  const pixels = readPixels(pgm(2, 2, [0, 1, 0, 1]));
  assert.deepEqual([...toBytes(pixels, spec(1, 3))], [1, 1, 1]);
  assert.deepEqual([...toBytes(pixels, spec(1, 1))], [0]);
  // RGB (255, 0, 0) in grey: 0.299 * 255 = 76.245 -> 76.
  const red = encodePng({ width: 1, height: 1, colorType: 2, rows: [[255, 0, 0]] });
  assert.deepEqual([...toBytes(readPixels(red), spec(1, 1))], [76]);
});

test('PNG: grey is mapped from linear grey to sRGB as Java getRGB does; alpha is dropped', () => {
  // Values printed by Java (ImageIO + BufferedImage.getRGB) for an 8-bit grey PNG.
  const java = { 0: 0, 1: 13, 10: 56, 50: 122, 128: 188, 200: 229, 254: 255, 255: 255 };
  for (const [v, srgb] of Object.entries(java)) assert.equal(LINEAR_GREY_TO_SRGB[v], srgb, `grey ${v}`);
  const grey = readPixels(encodePng({ width: 2, height: 1, colorType: 0, rows: [[128, 10]] }));
  assert.deepEqual([...grey.rgb], [188, 188, 188, 56, 56, 56]);
  const rgba = readPixels(encodePng({ width: 1, height: 1, colorType: 6, rows: [[1, 2, 3, 0]] }));
  assert.deepEqual([...rgba.rgb], [1, 2, 3]);
  const trns = encodePng({ width: 1, height: 1, colorType: 2, rows: [[1, 2, 3]], extra: [['tRNS', Buffer.from([0, 1, 0, 2, 0, 3])]] });
  assert.deepEqual([...readPixels(trns).rgb], [1, 2, 3]); // pngjs alone would give 0, 0, 0
  assert.throws(() => readPixels(encodePng({ width: 1, height: 1, colorType: 0, depth: 16, rows: [[300]] })), /16-bit PNG is not supported/);
  assert.throws(() => readPixels(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), /JPEG is not supported/);
});

test('network input equals the Java ImageDecoder bit for bit (golden values from Java)', () => {
  const images = goldenImages();
  assert.deepEqual(Object.keys(golden).sort(), Object.keys(images).sort());
  for (const [name, bytes] of Object.entries(images)) {
    const pixels = readPixels(bytes);
    GOLDEN_SPECS.forEach(([size, channels, cropFraction, normMean, normScale], s) => {
      const sp = specOf({ size, channels, cropFraction: Math.fround(cropFraction), normMean, normScale: Math.fround(normScale) });
      const out = networkInput(pixels, sp, new Float32Array(tensorLength(sp)), 0);
      const expected = Float32Array.from(golden[name][s]);
      assert.deepEqual(out, expected, `${name} spec ${s}`);
    });
  }
});
