'use strict';
// The network input exactly as the Java io.f2c.preprocess.ImageDecoder#networkInput builds it:
// central square crop, bilinear resample sampled at pixel centres (taps clamped at the borders),
// grey = 0.299 R + 0.587 G + 0.114 B in double, each value ROUNDED to an 8-bit byte (what the job
// keeps), then (x - normMean) / normScale in float arithmetic. Every step mirrors the Java
// expression order and number types so that the floats come out identical.

const f32 = Math.fround;

/** Java's PreprocessSpec: the ModelUpdate `input` record. */
function specOf(input) {
  const { size, channels, cropFraction, normMean, normScale } = input;
  if (!(size > 0)) throw new Error(`input size must be positive, was ${size}`);
  if (channels !== 1 && channels !== 3) throw new Error(`channels must be 1 or 3, was ${channels}`);
  if (!(cropFraction > 0 && cropFraction <= 1)) {
    throw new Error(`crop fraction must be in (0, 1], was ${cropFraction}`);
  }
  return { size, channels, cropFraction: f32(cropFraction), normMean: f32(normMean), normScale: f32(normScale) };
}

function tensorLength(spec) {
  return spec.channels * spec.size * spec.size;
}

/**
 * Bilinear taps along one axis (Java ImageDecoder.Taps): for output index i, source indices low[i],
 * high[i] and the weight of high.
 */
function taps(origin, step, size, extent) {
  const low = new Int32Array(size);
  const high = new Int32Array(size);
  const weight = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const at = Math.max(0, Math.min(extent - 1, origin + (i + 0.5) * step - 0.5));
    low[i] = Math.floor(at);
    high[i] = Math.min(extent - 1, low[i] + 1);
    weight[i] = at - low[i];
  }
  return { low, high, weight };
}

/** Side of the central square crop: Java rounds min(w, h) * cropFraction computed in float. */
function cropSide(width, height, cropFraction) {
  // Math.round on a float and JS Math.round both round half up; the product is a float in Java.
  return Math.max(1, Math.round(f32(Math.min(width, height) * f32(cropFraction))));
}

/**
 * Crop and resample pixels ({width, height, rgb: interleaved RGB 0..255}); calls sink(index, value)
 * with each CHW value as a double (Java ImageDecoder#resample).
 */
function resample(pixels, spec, sink) {
  const { width, height, rgb } = pixels;
  const size = spec.size;
  const side = cropSide(width, height, spec.cropFraction);
  const x0 = (width - side) / 2.0;
  const y0 = (height - side) / 2.0;
  const step = side / size;
  const plane = size * size;
  const columns = taps(x0, step, size, width);
  const rows = taps(y0, step, size, height);
  const at = (x, y, c) => rgb[3 * (y * width + x) + c];
  const sample = (x, y, c) => {
    const xa = columns.low[x];
    const xb = columns.high[x];
    const ya = rows.low[y];
    const yb = rows.high[y];
    const fx = columns.weight[x];
    const fy = rows.weight[y];
    const top = at(xa, ya, c) * (1 - fx) + at(xb, ya, c) * fx;
    const bottom = at(xa, yb, c) * (1 - fx) + at(xb, yb, c) * fx;
    return top * (1 - fy) + bottom * fy;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = y * size + x;
      if (spec.channels === 1) {
        sink(o, 0.299 * sample(x, y, 0) + 0.587 * sample(x, y, 1) + 0.114 * sample(x, y, 2));
      } else {
        for (let c = 0; c < 3; c++) {
          sink(c * plane + o, sample(x, y, c));
        }
      }
    }
  }
}

/** CHW 8-bit values (Java ImageDecoder#toBytes): each resampled value rounded and clamped. */
function toBytes(pixels, spec) {
  const out = new Uint8Array(tensorLength(spec));
  resample(pixels, spec, (i, v) => {
    out[i] = Math.max(0, Math.min(255, Math.round(v)));
  });
  return out;
}

/** (x - normMean) / normScale in float arithmetic (Java PreprocessSpec#normalize). */
function normalize(bytes, spec, out = new Float32Array(bytes.length), offset = 0) {
  for (let i = 0; i < bytes.length; i++) {
    out[offset + i] = f32(f32(bytes[i] - spec.normMean) / spec.normScale);
  }
  return out;
}

/** The network input of decoded pixels, written into out from offset (Java networkInput). */
function networkInput(pixels, spec, out, offset) {
  return normalize(toBytes(pixels, spec), spec, out, offset);
}

module.exports = { cropSide, networkInput, normalize, resample, specOf, taps, tensorLength, toBytes };
