import { describe, expect, it } from 'vitest';
import { compileQuery, findMatches, replaceAllIn, replaceOne, type FindOptions } from './find';

const plain: FindOptions = { caseSensitive: false, regex: false, wholeWord: false };
const cells = [
  { id: 'a', source: 'const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 10 }));' },
  { id: 'b', source: '# Model notes\nThe model (a "Model") overfits: lr=1e-3.' },
  { id: 'c', source: 'await model.fit(xs, ys, { epochs: 5 });\nconst models = [model];' },
];

describe('notebook-wide find', () => {
  it('finds every match in notebook order with its line and column, case-insensitive by default', () => {
    const matches = findMatches(cells, compileQuery('model', plain));
    expect(matches.map((match) => `${match.cellId}:${match.line}:${match.column}`)).toEqual([
      'a:1:7', 'a:2:1', 'b:1:3', 'b:2:5', 'b:2:15', 'c:1:7', 'c:2:7', 'c:2:17',
    ]);
  });

  it('honours case, whole word and regular expressions; a bad expression says why and matches nothing', () => {
    expect(findMatches(cells, compileQuery('Model', { ...plain, caseSensitive: true })).length).toBe(2);
    expect(findMatches(cells, compileQuery('model', { ...plain, wholeWord: true })).map((match) => match.cellId)).toEqual(['a', 'a', 'b', 'b', 'b', 'c', 'c']);
    expect(findMatches(cells, compileQuery('1e-3', plain)).length).toBe(1);
    expect(findMatches(cells, compileQuery('1e.3', plain)).length).toBe(0); // literal: the dot is a dot
    expect(findMatches(cells, compileQuery('epochs: \\d+', { ...plain, regex: true })).map((match) => match.cellId)).toEqual(['c']);
    const bad = compileQuery('(unclosed', { ...plain, regex: true });
    expect(bad.error).toMatch(/Not a valid regular expression/);
    expect(findMatches(cells, bad)).toEqual([]);
    // An expression that can match empty text does not hang and matches only real text.
    expect(findMatches(cells, compileQuery('x*', { ...plain, regex: true })).map((match) => match.cellId)).toEqual(['c']);
  });

  it('replaces one match (only if it is still there) and all matches, with $1 groups in regex mode', () => {
    const query = compileQuery('model', { ...plain, wholeWord: true, caseSensitive: true });
    const [first] = findMatches(cells, query);
    expect(replaceOne(cells[0]!.source, first!, query, 'net', plain)).toBe('const net = tf.sequential();\nmodel.add(tf.layers.dense({ units: 10 }));');
    expect(replaceOne('something else entirely', first!, query, 'net', plain)).toBeUndefined();
    expect(replaceAllIn(cells[2]!.source, query, 'net', plain)).toEqual({ source: 'await net.fit(xs, ys, { epochs: 5 });\nconst models = [net];', count: 2 });
    const regex = { ...plain, regex: true };
    expect(replaceAllIn('epochs: 5, epochs: 12', compileQuery('epochs: (\\d+)', regex), 'epochs: $1 * 2', regex).source).toBe('epochs: 5 * 2, epochs: 12 * 2');
    // Literal mode: "$1" is text.
    expect(replaceAllIn('a+b', compileQuery('+', plain), '$1', plain).source).toBe('a$1b');
  });
});
