import { Writable } from 'node:stream';

/** A writable that keeps what the commands print, for tests and benches that call them in-process. */
export function textSink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stream.text += chunk.toString();
      callback();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}
