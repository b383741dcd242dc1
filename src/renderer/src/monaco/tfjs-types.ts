// The TensorFlow.js type definitions, collected at build time (Vite glob, ?raw) so the editor
// offers IntelliSense for `tf.*` offline. Loaded lazily: it is a few MB of .d.ts text.
const definitions = import.meta.glob(
  [
    '../../../../node_modules/@tensorflow/tfjs/package.json',
    '../../../../node_modules/@tensorflow/tfjs/dist/**/*.d.ts',
    '../../../../node_modules/@tensorflow/tfjs-core/package.json',
    '../../../../node_modules/@tensorflow/tfjs-core/dist/**/*.d.ts',
    '../../../../node_modules/@tensorflow/tfjs-layers/package.json',
    '../../../../node_modules/@tensorflow/tfjs-layers/dist/**/*.d.ts',
    '../../../../node_modules/@tensorflow/tfjs-converter/package.json',
    '../../../../node_modules/@tensorflow/tfjs-converter/dist/**/*.d.ts',
    '../../../../node_modules/@tensorflow/tfjs-data/package.json',
    '../../../../node_modules/@tensorflow/tfjs-data/dist/**/*.d.ts',
    '!**/*_test.d.ts',
    '!**/test_util.d.ts',
    '!**/jasmine_util.d.ts',
    '!**/tests/**',
  ],
  { query: '?raw', import: 'default', eager: true, exhaustive: true },
) as Record<string, string>;

/** [virtual path under file:///node_modules/, contents] for Monaco's addExtraLib. */
export function tfjsTypeDefinitions(): Array<[string, string]> {
  return Object.entries(definitions).map(([key, text]) => [`file:///${key.slice(key.indexOf('node_modules/'))}`, text]);
}
