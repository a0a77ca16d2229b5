'use strict';
// The client library: decoding, assembly, preprocessing, embedding and the Kafka lookup.

module.exports = {
  ...require('./schemas'),
  ...require('./assembler'),
  ...require('./images'),
  ...require('./preprocess'),
  ...require('./embedder'),
  ...require('./kafka'),
};
