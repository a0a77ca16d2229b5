'use strict';
// The CLI's contract without a broker: stdout carries only the JSON line, every failure is one
// line on stderr with a non-zero exit. (With a broker: the Java integration test.)
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Kafka } = require('kafkajs');
const { createKafka } = require('../lib/kafka');
const { goldenImages } = require('./helpers/fixtures');

const CLI = path.join(__dirname, '..', 'bin', 'f2c-embed.js');

function run(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

function assertOneErrorLine(result, code, pattern) {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
}

test('--help prints the usage on stdout', async () => {
  const result = await run(['--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^usage: f2c-embed --bootstrap/);
});

test('a wrong command line is one line on stderr, exit 2', async () => {
  assertOneErrorLine(await run(['face.png']), 2, /^f2c-embed: --bootstrap HOST:PORT is required \(see --help\)$/);
  assertOneErrorLine(await run(['--bootstrap', 'h:1', '--timeout-ms', 'soon']), 2, /--timeout-ms must be a positive integer/);
  assertOneErrorLine(await run(['--bootstrap', 'h:1', '--colour', 'red']), 2, /Unknown option '--colour'/);
});

test('a bad image or schema directory fails before connecting, one line, exit 1', async () => {
  assertOneErrorLine(await run(['--bootstrap', '127.0.0.1:1', '/nonexistent/face.png']), 1,
    /^f2c-embed: \/nonexistent\/face.png: no such file$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2c-cli-'));
  const jpeg = path.join(dir, 'face.jpg');
  fs.writeFileSync(jpeg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]));
  assertOneErrorLine(await run(['--bootstrap', '127.0.0.1:1', jpeg]), 1, /JPEG is not supported by this client/);
  const pgm = path.join(dir, 'a.pgm');
  fs.writeFileSync(pgm, goldenImages()['a.pgm']);
  assertOneErrorLine(await run(['--bootstrap', '127.0.0.1:1', '--schemas', dir, pgm]), 1,
    /no ModelUpdate-v\*\.avsc in .* pass --schemas/);
});

test('an unreachable broker is one line on stderr within the timeout, exit 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2c-cli-'));
  const pgm = path.join(dir, 'a.pgm');
  fs.writeFileSync(pgm, goldenImages()['a.pgm']);
  const started = Date.now();
  const result = await run(['--bootstrap', '127.0.0.1:1', '--timeout-ms', '2000', pgm]);
  assertOneErrorLine(result, 1, /127\.0\.0\.1:1/);
  assert.ok(Date.now() - started < 15000);
});

test('kafkajs still has the cluster factory the read_committed offset lookup uses', () => {
  const kafka = createKafka({ brokers: ['127.0.0.1:1'] });
  assert.ok(kafka instanceof Kafka);
  assert.ok(Object.getOwnPropertySymbols(kafka).some((s) => s.description === 'private:Kafka:createCluster'));
  assert.throws(() => createKafka({ brokers: ['h:1'], logLevel: 'loud' }), /unknown Kafka log level loud/);
});
