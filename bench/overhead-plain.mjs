// The plain side of `npm run bench -- overhead`: a Node process with nothing but tfjs on the wasm
// backend, set up the way a user's own script would (no Lossbook code loaded). It trains on request
// with the very code the kernel side runs as a cell, and answers with what that code measured.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
let data = { xs: undefined, ys: undefined };

setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
await tf.setBackend('wasm');
await tf.ready();

process.on('message', async (message) => {
  if (message.type === 'exit') process.exit(0);
  try {
    let value;
    if (message.type === 'setup') {
      // The setup cell's code, then its two tensors kept for the training code.
      const [xs, ys] = await new AsyncFunction('tf', 'require', `${message.code}\nreturn [xs, ys];`)(tf, require);
      data = { xs, ys };
    } else {
      // The training cell's code, seeing the names a notebook cell sees.
      value = await new AsyncFunction('tf', 'require', 'xs', 'ys', message.code)(tf, require, data.xs, data.ys);
    }
    process.send({ id: message.id, value, numTensors: tf.memory().numTensors });
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true, backend: tf.getBackend() });
