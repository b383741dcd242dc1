// Browser mode's live pages (issue 21): a page announces its autosave session on its socket's
// URL; while that socket is open, its untitled autosave is not offered to another page, and once
// the page is gone it is offered again (a closed tab must not lose its work).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RecordingSupervisor } from '../../e2e/helpers';
import { createNotebook } from '../shared/notebook/model';
import { startServer, type RunningServer } from './server';

const rendererDir = mkdtempSync(join(tmpdir(), 'lossbook-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><div id="app"></div>');

/** A page's socket: calls answered by id (host events pushed meanwhile are skipped). */
class Page {
  private nextId = 1;
  private constructor(readonly socket: WebSocket) {}

  static open(url: string, origin: string): Promise<Page> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { origin } });
      socket.once('open', () => resolve(new Page(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  call(method: string, params?: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const listener = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return;
        this.socket.off('message', listener);
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result);
      };
      this.socket.on('message', listener);
      this.socket.send(JSON.stringify({ id, call: params === undefined ? { method } : { method, params } }));
    });
  }

  async offered(session: string): Promise<string[]> {
    return ((await this.call('listRecoveries', { session })) as Array<{ title: string }>).map((entry) => entry.title);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

describe('browser-mode server: live pages keep their untitled autosaves', () => {
  let server: RunningServer;
  let origin: string;
  let previousRecoveryDir: string | undefined;
  const socketUrl = (session?: string) => `ws://127.0.0.1:${server.port}/api?token=${server.token}${session === undefined ? '' : `&session=${session}`}`;

  beforeAll(async () => {
    previousRecoveryDir = process.env.LOSSBOOK_RECOVERY_DIR;
    process.env.LOSSBOOK_RECOVERY_DIR = mkdtempSync(join(tmpdir(), 'lossbook-live-recovery-'));
    server = await startServer({ supervisor: new RecordingSupervisor(), rendererDir, examplesDir: rendererDir });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    if (previousRecoveryDir === undefined) delete process.env.LOSSBOOK_RECOVERY_DIR;
    else process.env.LOSSBOOK_RECOVERY_DIR = previousRecoveryDir;
  });

  it("does not offer an open page's autosave to a second page; offers it once that page's socket closed", async () => {
    const first = await Page.open(socketUrl('tab-one'), origin);
    await first.call('autosave', { notebook: createNotebook('First tab work', '0.1.0'), session: 'tab-one' });
    const second = await Page.open(socketUrl('tab-two'), origin);
    expect(await second.offered('tab-two')).toEqual([]);
    // A page that did not announce a session (an older page) is not offered it either.
    const anonymous = await Page.open(socketUrl(), origin);
    expect(await anonymous.offered('tab-three')).toEqual([]);

    await first.close();
    // The server handles the close after the client saw it: ask until it has.
    await expect.poll(() => second.offered('tab-two')).toEqual(['First tab work']);
    expect(await anonymous.offered('tab-three')).toEqual(['First tab work']);
    await second.close();
    await anonymous.close();
  });

  it('a reconnecting page announces its session again: its autosave stays its own', async () => {
    const page = await Page.open(socketUrl('tab-reconnects'), origin);
    await page.call('autosave', { notebook: createNotebook('Reconnecting tab work', '0.1.0'), session: 'tab-reconnects' });
    await page.close();
    const again = await Page.open(socketUrl('tab-reconnects'), origin);
    const other = await Page.open(socketUrl('tab-other'), origin);
    expect(await other.offered('tab-other')).not.toContain('Reconnecting tab work');
    await again.close();
    await expect.poll(() => other.offered('tab-other')).toContain('Reconnecting tab work');
    await other.close();
  });

  it('refuses a socket whose session key is not file-name safe, with a clear status', async () => {
    await expect(Page.open(socketUrl('..%2F..%2Fetc'), origin)).rejects.toThrow(/HTTP 400/);
    await expect(Page.open(socketUrl('x'.repeat(65)), origin)).rejects.toThrow(/HTTP 400/);
  });
});
