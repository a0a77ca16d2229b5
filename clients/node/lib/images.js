'use strict';
// Decodes PGM (P5) and PNG into the pixels the Java ImageDecoder#readPixels gives: interleaved RGB,
// 0..255 ({width, height, rgb}). JPEG is not supported (Java's decoder may differ from any Node one).

const { PNG } = require('pngjs');

class ImageError extends Error {}

// ---- PGM: a port of io.f2c.preprocess.PgmHeader and ImageDecoder#readPgm ------------------------

// Java's Character.isWhitespace of a (signed) byte: 9..13, 28..31 and space.
function isJavaWhitespace(b) {
  return (b >= 9 && b <= 13) || (b >= 28 && b <= 32);
}

function nextNumber(bytes, pos, what) {
  let i = pos.at;
  while (i < bytes.length) {
    if (bytes[i] === 0x23 /* # */) {
      while (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (isJavaWhitespace(bytes[i])) {
      i++;
    } else {
      break;
    }
  }
  let value = 0;
  const start = i;
  while (i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39) {
    value = value * 10 + (bytes[i] - 0x30);
    if (value > 2147483647 * 4) throw new ImageError(`PGM ${what} is absurdly large`);
    i++;
  }
  if (i === start) throw new ImageError(`PGM header: missing ${what}`);
  pos.at = i;
  return value;
}

function parsePgmHeader(bytes) {
  if (bytes.length < 2 || bytes[0] !== 0x50 /* P */) {
    throw new ImageError("not a PGM file (no 'P' magic)");
  }
  if (bytes[1] !== 0x35 /* 5 */) {
    throw new ImageError(`only binary PGM (P5) is supported, this is P${String.fromCharCode(bytes[1])}`);
  }
  const pos = { at: 2 };
  const width = nextNumber(bytes, pos, 'width');
  const height = nextNumber(bytes, pos, 'height');
  const maxValue = nextNumber(bytes, pos, 'maxval');
  if (maxValue < 1 || maxValue > 65535) {
    throw new ImageError(`PGM maxval must be 1..65535, was ${maxValue}`);
  }
  if (width > 2147483647 || height > 2147483647) {
    throw new ImageError(`PGM header declares ${width}x${height} pixels`);
  }
  // Exactly one whitespace byte separates maxval from the pixel data.
  return { width, height, maxValue, dataOffset: pos.at + 1 };
}

function checkPixels(width, height) {
  if (width <= 0 || height <= 0) {
    throw new ImageError(`image header declares an empty image (${width}x${height})`);
  }
}

function readPgm(bytes) {
  const header = parsePgmHeader(bytes);
  checkPixels(header.width, header.height);
  const bytesPerSample = header.maxValue < 256 ? 1 : 2;
  const needed = header.width * header.height * bytesPerSample;
  if (header.dataOffset + needed > bytes.length) {
    throw new ImageError(`PGM data is truncated: header declares ${needed} bytes of pixels, ` +
      `file has ${bytes.length - header.dataOffset}`);
  }
  const n = header.width * header.height;
  const rgb = new Uint8Array(n * 3);
  const scale = 255.0 / header.maxValue;
  for (let i = 0; i < n; i++) {
    const p = header.dataOffset + i * bytesPerSample;
    const v = bytesPerSample === 1 ? bytes[p] : (bytes[p] << 8) | bytes[p + 1];
    const grey = Math.round(Math.min(v, header.maxValue) * scale);
    rgb[3 * i] = grey;
    rgb[3 * i + 1] = grey;
    rgb[3 * i + 2] = grey;
  }
  return { width: header.width, height: header.height, rgb };
}

// ---- PNG: what javax.imageio's PNG reader and Pixels.of(BufferedImage) give ---------------------

// Java reads an 8-bit grey PNG into a linear-grey (CS_GRAY) image, and BufferedImage.getRGB maps
// its values to sRGB through java.awt.image.ColorModel's linear-to-sRGB table (computed in float,
// IEC 61966-2-1), so a grey PNG is brighter in Java than its raw samples. This is that table.
const LINEAR_GREY_TO_SRGB = (() => {
  const f32 = Math.fround;
  const lut = new Uint8Array(256);
  for (let i = 0; i <= 255; i++) {
    const input = f32(i / 255);
    const output = input <= f32(0.0031308)
      ? f32(input * f32(12.92))
      : f32(f32(f32(1.055) * f32(Math.pow(input, 1.0 / 2.4))) - f32(0.055));
    lut[i] = Math.round(f32(output * 255));
  }
  return lut;
})();

function readPng(bytes) {
  let png;
  try {
    png = PNG.sync.read(stripTrns(bytes));
  } catch (e) {
    throw new ImageError(`cannot decode PNG: ${e.message}`);
  }
  const { width, height, data, colorType, depth } = png;
  if (depth !== 8 && !(colorType === 3 /* palette: any depth gives palette colours */)) {
    throw new ImageError(`${depth}-bit PNG is not supported (8-bit grey, grey+alpha, RGB, RGBA or ` +
      'palette only): convert it to 8 bits');
  }
  checkPixels(width, height);
  const grey = colorType === 0 || colorType === 4;
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    // pngjs gives RGBA; Java's Pixels.of drops alpha without compositing.
    for (let c = 0; c < 3; c++) {
      const v = data[4 * i + c];
      rgb[3 * i + c] = grey ? LINEAR_GREY_TO_SRGB[v] : v;
    }
  }
  return { width, height, rgb };
}

/**
 * pngjs blanks a grey or RGB pixel whose colour the tRNS chunk declares transparent; Java keeps its
 * colour (and Pixels.of drops alpha anyway). Dropping that chunk keeps the colour values.
 */
function stripTrns(bytes) {
  if (bytes.length < 33 || (bytes[25] !== 0 && bytes[25] !== 2)) {
    return bytes; // not an IHDR-first grey/RGB PNG: leave it to pngjs
  }
  const parts = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = Math.min(bytes.length, at + 12 + length);
    if (type !== 'tRNS') parts.push(bytes.subarray(at, end));
    at = end;
  }
  return Buffer.concat(parts);
}

/** Reads an image file's bytes, by content: P5 PGM or PNG. */
function readPixels(bytes) {
  if (!bytes || bytes.length === 0) throw new ImageError('image bytes are empty');
  if (bytes[0] === 0x50) return readPgm(bytes);
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return readPng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    throw new ImageError('JPEG is not supported by this client: convert the image to PNG or PGM');
  }
  throw new ImageError('not a PNG or binary PGM (P5) image');
}

module.exports = { ImageError, LINEAR_GREY_TO_SRGB, parsePgmHeader, readPgm, readPng, readPixels };
