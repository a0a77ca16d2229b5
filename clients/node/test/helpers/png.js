'use strict';
// A minimal PNG writer for tests: any colour type and bit depth, extra chunks (tRNS, gAMA, PLTE), so
// fixtures cover what a PNG library's encoder would not produce.

const zlib = require('node:zlib');

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

/**
 * rows: array of arrays of samples (already interleaved per pixel, e.g. [g,a,g,a] for grey+alpha);
 * samples are packed at `depth` bits. extra: [[type, Buffer]] chunks written before IDAT.
 */
function encodePng({ width, height, colorType, depth = 8, rows, extra = [] }) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  const raw = [];
  for (const row of rows) {
    raw.push(0); // filter: none
    if (depth === 16) {
      for (const v of row) raw.push(v >> 8, v & 0xff);
    } else if (depth === 8) {
      raw.push(...row);
    } else {
      let acc = 0;
      let bits = 0;
      for (const v of row) {
        acc = (acc << depth) | v;
        bits += depth;
        if (bits === 8) {
          raw.push(acc);
          acc = 0;
          bits = 0;
        }
      }
      if (bits > 0) raw.push(acc << (8 - bits));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra.map(([type, data]) => chunk(type, data)),
    chunk('IDAT', zlib.deflateSync(Buffer.from(raw))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

module.exports = { encodePng };
