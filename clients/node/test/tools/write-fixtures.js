'use strict';
// Writes the golden test images into a directory: node test/tools/write-fixtures.js DIR
const fs = require('node:fs');
const path = require('node:path');
const { goldenImages } = require('../helpers/fixtures');

const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true });
for (const [name, bytes] of Object.entries(goldenImages())) fs.writeFileSync(path.join(dir, name), bytes);
