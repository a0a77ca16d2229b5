#!/usr/bin/env node
'use strict';
// f2c-embed: finds the newest complete ONNX model version on the models topic, checks it and embeds
// the given images. Prints exactly one JSON line on stdout (exit 0); on any error one line on stderr
// saying what was wrong and how to fix it (exit 1; 2 for a wrong command line).

const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { Embedder, latestVersion, readImageFile } = require('../lib');

const USAGE = `usage: f2c-embed --bootstrap HOST:PORT[,HOST:PORT...] [--topic face-models-onnx]
                 [--model NAME] [--timeout-ms 60000] [--schemas DIR] [--kafka-config FILE.json]
                 [--kafka-log-level nothing|error|warn|info|debug] [--verbose] IMAGE...

Reads the models topic (read_committed) from the beginning to its end, takes the newest complete
ONNX version (of --model, or the newest of any model; waits up to --timeout-ms for one), checks
its SHA-256, and embeds each IMAGE (PNG or binary PGM) with ONNX Runtime. Prints one JSON line:
{"model","version","sha256","architecture","embeddingDim","verificationThreshold","embeddings"}.
--schemas: the released ModelUpdate-v*.avsc (default: the repository's kafka-schemas copy).
--kafka-config: JSON with kafkajs "ssl" and "sasl" settings. --verbose: skipped data on stderr.`;

class UsageError extends Error {}

function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        bootstrap: { type: 'string' },
        topic: { type: 'string', default: 'face-models-onnx' },
        model: { type: 'string' },
        'timeout-ms': { type: 'string', default: '60000' },
        schemas: { type: 'string' },
        'kafka-config': { type: 'string' },
        'kafka-log-level': { type: 'string', default: 'nothing' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (!values.bootstrap) throw new UsageError('--bootstrap HOST:PORT is required');
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(`--timeout-ms must be a positive integer, was ${values['timeout-ms']}`);
  }
  let kafkaConfig = {};
  if (values['kafka-config']) {
    try {
      kafkaConfig = JSON.parse(fs.readFileSync(values['kafka-config'], 'utf8'));
    } catch (e) {
      throw new UsageError(`--kafka-config ${values['kafka-config']}: ${e.message}`);
    }
  }
  return {
    brokers: values.bootstrap.split(',').map((b) => b.trim()).filter(Boolean),
    topic: values.topic,
    model: values.model ?? null,
    timeoutMs,
    schemaDir: values.schemas,
    ssl: kafkaConfig.ssl,
    sasl: kafkaConfig.sasl,
    logLevel: values['kafka-log-level'],
    verbose: values.verbose,
    images: positionals,
  };
}

/** The shortest decimal that reads back as the same float32 (what Java's Float.toString aims at). */
function float32Json(x) {
  if (x === null || x === undefined) return null;
  for (let digits = 1; digits <= 9; digits++) {
    const v = Number(x.toPrecision(digits));
    if (Math.fround(v) === x) return v;
  }
  return x;
}

async function main(argv) {
  const options = parse(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Decode the images first: a bad file fails at once, before any Kafka round trip.
  const images = options.images.map(readImageFile);
  // Skipped data goes to stderr with --verbose only: without it, stderr has a line only on failure
  // (and a timeout's message quotes the first problem).
  const warn = options.verbose ? (text) => process.stderr.write(`f2c-embed: warning: ${text}\n`) : undefined;
  const { header, blob } = await latestVersion({ ...options, warn });
  const name = `model ${header.modelName} v${header.version}`;
  let embedder;
  try {
    embedder = await Embedder.create(blob, header);
  } catch (e) {
    throw new Error(`${name} (sha256 ${header.sha256}) does not load in ONNX Runtime: ${e.message}`);
  }
  const embeddings = await embedder.embedPixels(images);
  await embedder.release();
  const line = JSON.stringify({
    model: header.modelName,
    version: header.version,
    sha256: header.sha256,
    architecture: header.architecture,
    embeddingDim: header.embeddingDim,
    verificationThreshold: float32Json(header.verificationThreshold ?? null),
    embeddings: embeddings.map((row) => Array.from(row, float32Json)),
  });
  await new Promise((resolve) => process.stdout.write(`${line}\n`, resolve));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    const usage = e instanceof UsageError;
    const message = String((e && e.message) || e).replace(/\s+/g, ' ').trim();
    process.stderr.write(`f2c-embed: ${message}${usage ? ' (see --help)' : ''}\n`, () =>
      process.exit(usage ? 2 : 1));
  }
);
