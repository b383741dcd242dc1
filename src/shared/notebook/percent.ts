// Notebooks as plain scripts, in the "percent" format of Jupytext / VS Code:
//   // %% [markdown]      a markdown cell, each line a `//` comment
//   // %%                 a code cell
// Header comments `// @title: …`, `// @expect: id, id`, `// @verdict: id`, `// @source: URL` (examples gallery) come before the
// first cell. A script with no `// %%` marker is one code cell, so a plain tfjs script runs unchanged.
import { createCell, type Cell } from './model';

export interface PercentScript {
  title?: string;
  /** Finding ids an example is expected to produce (`// @expect:`); empty for healthy controls. */
  expected: string[];
  /** `// @healthy` marks a control that must produce no warning or error findings. */
  healthy: boolean;
  /** The root cause the verdict should name (`// @verdict: id`); defaults to the first expected id. */
  verdict?: string;
  /** Where a real-world fault comes from (`// @source: URL`). */
  source?: string;
  cells: Cell[];
}

const MARKER = /^\s*\/\/\s*%%(.*)$/;

export function parsePercentScript(text: string, language: 'typescript' | 'javascript' = 'typescript'): PercentScript {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const script: PercentScript = { expected: [], healthy: false, cells: [] };
  const hasMarkers = lines.some((line) => MARKER.test(line));
  if (!hasMarkers) {
    readHeader(lines, script);
    const cell = createCell('code', text.trimEnd());
    cell.language = language;
    script.cells.push(cell);
    return script;
  }
  let current: { kind: Cell['kind']; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.kind === 'markdown' ? current.lines.map((l) => l.replace(/^\s*\/\/ ?/, '')) : current.lines;
    const source = body.join('\n').replace(/^\n+|\s+$/g, '');
    if (source) {
      const cell = createCell(current.kind, source);
      if (cell.kind === 'code') cell.language = language;
      script.cells.push(cell);
    }
  };
  const header: string[] = [];
  for (const line of lines) {
    const marker = MARKER.exec(line);
    if (marker) {
      flush();
      current = { kind: /\[markdown\]/i.test(marker[1] ?? '') ? 'markdown' : 'code', lines: [] };
    } else if (current) current.lines.push(line);
    else header.push(line);
  }
  flush();
  readHeader(header, script);
  return script;
}

function readHeader(lines: string[], script: PercentScript): void {
  for (const line of lines) {
    const tag = /^\s*\/\/\s*@(\w+)\s*:?\s*(.*)$/.exec(line);
    if (!tag) continue;
    const [, name, value = ''] = tag;
    if (name === 'title') script.title = value.trim();
    else if (name === 'expect') script.expected.push(...value.split(/[\s,]+/).filter(Boolean));
    else if (name === 'healthy') script.healthy = true;
    else if (name === 'verdict') script.verdict = value.trim();
    else if (name === 'source') script.source = value.trim();
  }
}

/** The inverse: write cells back as a percent script (for `lossbook export --script`). */
export function toPercentScript(cells: Cell[], title?: string): string {
  const parts: string[] = title ? [`// @title: ${title}`, ''] : [];
  for (const cell of cells) {
    if (cell.kind === 'markdown') parts.push('// %% [markdown]', ...cell.source.split('\n').map((l) => (l ? `// ${l}` : '//')), '');
    else parts.push('// %%', cell.source, '');
  }
  return parts.join('\n');
}
