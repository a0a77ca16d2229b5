'use strict';
// Deterministic test images covering what Java's ImageDecoder treats differently: grey PNG (linear
// grey, mapped to sRGB by getRGB), grey+alpha, RGB with a tRNS colour, palette with tRNS, 4-bit
// palette, PGM with comments, odd whitespace, maxval 100 and 16-bit samples. The golden values in
// fixtures/java-preprocess.json were computed from these bytes by the Java ImageDecoder
// (tools/PreprocessGolden.java).

const { encodePng } = require('./png');

function goldenImages() {
  let seed = 12345;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const rows = (w, h, spp, max = 256) =>
    Array.from({ length: h }, () => Array.from({ length: w * spp }, () => rnd(max)));
  const ramp = Array.from({ length: 16 }, (_, y) => Array.from({ length: 16 }, (_, x) => y * 16 + x));
  const rgbRows = rows(9, 5, 3);
  rgbRows[2].splice(3, 3, 10, 20, 30); // the colour tRNS declares transparent
  const plte = Buffer.from(Array.from({ length: 48 }, () => rnd(256)));
  const pgm = (header, data) => Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(data)]);
  const samples16 = [];
  for (let i = 0; i < 20; i++) {
    const v = rnd(1100); // some above maxval: clamped
    samples16.push(v >> 8, v & 255);
  }
  return {
    'grey8.png': encodePng({ width: 16, height: 16, colorType: 0, rows: ramp }),
    'ga8.png': encodePng({ width: 16, height: 16, colorType: 4,
      rows: ramp.map((r) => r.flatMap((v, i) => [v, (v * 7 + i) & 255])) }),
    'rgb8-trns.png': encodePng({ width: 9, height: 5, colorType: 2, rows: rgbRows,
      extra: [['tRNS', Buffer.from([0, 10, 0, 20, 0, 30])]] }),
    'rgba8.png': encodePng({ width: 7, height: 10, colorType: 6, rows: rows(7, 10, 4) }),
    'pal8.png': encodePng({ width: 11, height: 13, colorType: 3, rows: rows(11, 13, 1, 16),
      extra: [['PLTE', plte], ['tRNS', Buffer.from([0, 128, 255])]] }),
    'pal4.png': encodePng({ width: 11, height: 13, colorType: 3, depth: 4, rows: rows(11, 13, 1, 16),
      extra: [['PLTE', plte]] }),
    'a.pgm': pgm('P5\n# a comment\n37 23\n255\n', Array.from({ length: 37 * 23 }, () => rnd(256))),
    'b.pgm': pgm('P5 5\t4 100 ', Array.from({ length: 20 }, () => rnd(120))),
    'c16.pgm': pgm('P5\n5 4\n1000\n', samples16),
  };
}

/** The preprocessing specs of the golden file: [size, channels, cropFraction, normMean, normScale]. */
const GOLDEN_SPECS = [
  [16, 1, 0.875, 127.5, 128],
  [7, 3, 0.6, 0.5, 57.3],
  [3, 1, 0.33, 127.5, 128],
  [5, 3, 1, 127.5, 128],
];

module.exports = { GOLDEN_SPECS, goldenImages };
