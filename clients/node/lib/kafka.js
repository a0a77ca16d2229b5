'use strict';
// Finds the newest complete ONNX model version on the models topic, like the Java ModelSubscriber
// does on start. The Java subscriber scans back from the end in growing windows; this client reads
// every partition from the beginning up to its end offsets instead (simpler, and the models topic
// is small enough for a one-shot CLI), then, if nothing complete was there, waits for the first
// version to complete. Reads read_committed, so chunks of aborted publications are never seen.

const crypto = require('node:crypto');
const { Kafka, logLevel: LEVELS } = require('kafkajs');
const { CorruptModelError, ModelAssembler } = require('./assembler');
const { decodeModelUpdate, loadSchemas } = require('./schemas');

const READ_COMMITTED = 1; // Kafka's isolation level id
const ONNX = 'onnx';

function stderrLogCreator() {
  return ({ namespace, label, log }) => {
    process.stderr.write(`kafkajs ${label} [${namespace}] ${log.message}\n`);
  };
}

function createKafka({ brokers, ssl, sasl, logLevel = 'nothing' }) {
  const level = LEVELS[String(logLevel).toUpperCase()];
  if (level === undefined) throw new Error(`unknown Kafka log level ${logLevel}`);
  return new Kafka({
    clientId: 'f2c-embed',
    brokers,
    ssl,
    sasl,
    logLevel: level,
    logCreator: stderrLogCreator, // never stdout: the CLI's stdout is its one JSON line
  });
}

/**
 * Per partition, the first offset and the end a read_committed consumer reaches: the last stable
 * offset (Java's endOffsets under read_committed). kafkajs's admin asks for the high watermark,
 * which an open transaction (a Flink checkpoint not yet taken, or a publisher that died) keeps
 * ahead of what this consumer can ever read; so this asks with isolation read_committed through
 * the client's own cluster factory (kafkajs 2.2.4, pinned; a unit test checks it is there).
 */
async function partitionOffsets(kafka, topic) {
  const factory = Object.getOwnPropertySymbols(kafka)
    .find((s) => s.description === 'private:Kafka:createCluster');
  if (!factory) {
    throw new Error('this kafkajs version has no read_committed offset lookup: pin kafkajs 2.2.4');
  }
  const cluster = kafka[factory]({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED });
  try {
    await cluster.connect();
    await cluster.addTargetTopic(topic);
    const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
    const offsets = async (fromBeginning) => {
      const [result] = await cluster.fetchTopicsOffset([{ topic, fromBeginning, partitions }]);
      return new Map(result.partitions.map((p) => [p.partition, Number(p.offset)]));
    };
    const low = await offsets(true);
    const end = await offsets(false);
    return partitions.map(({ partition }) => ({ partition, low: low.get(partition), end: end.get(partition) }));
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves to {header, blob} of the newest complete, verified ONNX version (of `model`, or of any
 * model: then the one created last). Options: brokers (array), topic, model, timeoutMs, schemaDir,
 * ssl, sasl, logLevel (kafkajs: nothing|error|warn|info|debug), warn (callback for skipped data).
 */
async function latestVersion(options) {
  const { brokers, topic = 'face-models-onnx', model = null, timeoutMs = 60000 } = options;
  const stats = { records: 0, malformed: 0, otherModels: 0, otherFormat: 0, corrupt: 0, firstProblem: null };
  const warn = options.warn || (() => {});
  const problem = (text) => {
    stats.firstProblem ??= text; // the timeout message quotes it
    warn(text);
  };
  const schemas = loadSchemas(options.schemaDir); // fails before connecting when they are missing
  const kafka = createKafka(options);
  const state = { stage: 'connecting', connected: false, closing: false };
  const assembler = new ModelAssembler();
  const newest = new Map(); // model name -> newest complete version
  const admin = kafka.admin();
  const consumer = kafka.consumer({
    groupId: `f2c-embed-${crypto.randomUUID()}`, // fresh: no committed offsets, none committed
    readUncommitted: false, // read_committed, kafkajs's default, stated
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  const warned = new Set();
  const problemOnce = (key, text) => {
    if (!warned.has(key)) {
      warned.add(key);
      problem(text);
    }
  };

  const add = (message, partition) => {
    stats.records++;
    let chunk;
    try {
      chunk = decodeModelUpdate(schemas, message.value);
    } catch (e) {
      stats.malformed++;
      problemOnce(e.message, `skipping a record of ${topic} at ${partition}-${message.offset} that ` +
        `is not a ModelUpdate: ${e.message}`);
      return;
    }
    if (model !== null && chunk.modelName !== model) {
      stats.otherModels++;
      return;
    }
    const format = chunk.format ?? 'f2cm'; // schemas before v3 have no format: f2cm
    if (format !== ONNX) {
      stats.otherFormat++;
      if (chunk.chunkIndex === 0) {
        warn(`skipping model ${chunk.modelName} v${chunk.version} on ${topic}: its format is ` +
          `${format}, not onnx (f2cm versions are for Java subscribers)`);
      }
      return;
    }
    try {
      const complete = assembler.add(chunk);
      if (complete) newest.set(complete.header.modelName, complete);
    } catch (e) {
      if (!(e instanceof CorruptModelError)) throw e;
      stats.corrupt++;
      problem(`skipping a corrupt model version: ${e.message}`);
    }
  };

  const pick = () => [...newest.values()]
    .reduce((a, b) => (Number(b.header.createdAt) >= Number(a.header.createdAt) ? b : a));

  const run = new Promise((resolve, reject) => {
    const position = new Map();
    const end = new Map();
    let caughtUp = false;
    let ready = false; // end offsets known
    const check = () => {
      if (ready && !caughtUp && [...end].every(([p, e]) => position.get(p) >= e)) {
        caughtUp = true;
        state.stage = 'waiting for a complete ONNX version';
      }
      if (caughtUp && newest.size > 0) resolve(pick());
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // Also fired for batches holding only transaction markers, which eachBatch never sees.
      if (payload.topic !== topic || payload.firstOffset == null) return;
      const next = Number(payload.lastOffset) + 1;
      position.set(payload.partition, Math.max(position.get(payload.partition) ?? 0, next));
      check();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
    (async () => {
      await admin.connect();
      state.connected = true;
      state.stage = `waiting for topic ${topic} to exist`;
      while (!state.closing && !(await admin.listTopics()).includes(topic)) {
        await sleep(500); // the Java subscriber waits for the topic too
      }
      for (const p of await partitionOffsets(kafka, topic)) {
        position.set(p.partition, p.low);
        end.set(p.partition, p.end);
      }
      ready = true;
      state.stage = `reading ${topic} up to offsets ${[...end].map(([p, e]) => `${p}:${e}`).join(',')}`;
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, isRunning }) => {
          for (const message of batch.messages) {
            if (!isRunning() || state.closing) break;
            add(message, batch.partition);
          }
        },
      });
      check();
    })().catch(reject);
  });

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(timeoutMessage(options, state, stats))), timeoutMs);
  });
  try {
    return await Promise.race([run, timeout]);
  } catch (e) {
    throw explain(e, brokers);
  } finally {
    clearTimeout(timer);
    state.closing = true;
    await Promise.race([
      Promise.allSettled([consumer.disconnect(), admin.disconnect()]),
      sleep(5000),
    ]);
  }
}

function timeoutMessage({ brokers, topic = 'face-models-onnx', model, timeoutMs = 60000 }, state, stats) {
  if (!state.connected) {
    return `cannot reach Kafka at ${brokers.join(',')} within ${timeoutMs} ms: check --bootstrap ` +
      "(host:port of a broker, reachable from here with the broker's advertised listener)";
  }
  const what = `no complete ONNX model version${model ? ` of model ${model}` : ''} on topic ` +
    `${topic} within ${timeoutMs} ms`;
  const seen = `read ${stats.records} records: ${stats.otherFormat} of another format than onnx, ` +
    `${stats.malformed} not ModelUpdates, ${stats.corrupt} corrupt versions` +
    (model ? `, ${stats.otherModels} of other models` : '') +
    (stats.firstProblem ? `; first problem: ${stats.firstProblem}` : '');
  return `${what} (still ${state.stage}; ${seen}): check --bootstrap, --topic and --model, that ` +
    'the ONNX publisher has published a version, or raise --timeout-ms';
}

function explain(e, brokers) {
  const name = e && e.name ? e.name : '';
  if (/Connection|NumberOfRetriesExceeded/.test(name) || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(e.message)) {
    return new Error(`cannot reach Kafka at ${brokers.join(',')}: ${e.message}: check --bootstrap ` +
      "(host:port of a broker, reachable from here with the broker's advertised listener)");
  }
  return e;
}

module.exports = { createKafka, latestVersion, partitionOffsets };
