// Preloaded (`node --require`) into every process of a traced benchmark run by pack.mjs: records
// each file Node loads as CommonJS (.js/.cjs/.json/.node) and each file read through fs (the tfjs
// wasm binaries are read that way by Emscripten's glue), one absolute path a line, appended at
// once so a kernel that is killed still leaves its list. NODE_OPTIONS carries it into forks.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: require is how it loads */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const folder = process.env.LOSSBOOK_TRACE_DIR;
if (folder) {
  const file = path.join(folder, `cjs-${process.pid}.txt`);
  const seen = new Set();
  const appendFileSync = fs.appendFileSync;
  const record = (name) => {
    if (typeof name !== 'string' || seen.has(name) || !name.includes('node_modules')) return;
    seen.add(name);
    appendFileSync(file, `${name}\n`);
  };
  for (const extension of Object.keys(Module._extensions)) {
    const original = Module._extensions[extension];
    Module._extensions[extension] = function traced(module, filename) {
      record(filename);
      return original.call(this, module, filename);
    };
  }
  const asPath = (target) => (typeof target === 'string' ? path.resolve(target) : target instanceof URL ? target.pathname : undefined);
  for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) {
    const original = fs[name];
    fs[name] = function traced(target, ...rest) {
      record(asPath(target));
      return original.call(this, target, ...rest);
    };
  }
  const promisesReadFile = fs.promises.readFile;
  fs.promises.readFile = function traced(target, ...rest) {
    record(asPath(target));
    return promisesReadFile.call(this, target, ...rest);
  };
}
