import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRendererProtocolHandler, rendererFileForUrl } from './renderer-protocol';

const parent = mkdtempSync(join(tmpdir(), 'lossbook-protocol-'));
const root = join(parent, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<div id="app"></div>');
writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
writeFileSync(join(parent, 'secret.txt'), 'not for the page');
const handler = createRendererProtocolHandler({ rootDir: root });

describe('lossbook:// renderer protocol', () => {
  it('serves index.html for / with the CSP and nosniff headers', async () => {
    const response = await handler(new Request('lossbook://app/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<div id="app"></div>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with their content type', async () => {
    const response = await handler(new Request('lossbook://app/assets/main.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    'lossbook://app/../secret.txt',
    'lossbook://app/%2e%2e/secret.txt',
    'lossbook://app/..%2fsecret.txt',
    'lossbook://app/assets/..%2f..%2fsecret.txt',
    'lossbook://app/%2e%2e%5csecret.txt',
    'lossbook://other/index.html',
    'lossbook://app/missing.js',
    'lossbook://app/%00index.html',
    'lossbook://app/%E0%A4%A',
  ])('refuses %s', async (url) => {
    const response = await handler(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('not for the page');
  });

  it('never maps a URL outside the renderer folder', () => {
    expect(rendererFileForUrl('lossbook://app/../secret.txt', root)).toBe(join(root, 'secret.txt'));
    expect(rendererFileForUrl('lossbook://app/..%2f..%2fsecret.txt', root)).toBeUndefined();
    expect(rendererFileForUrl('https://app/index.html', root)).toBeUndefined();
  });

  it('accepts only GET and HEAD', async () => {
    expect((await handler(new Request('lossbook://app/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handler(new Request('lossbook://app/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
  });
});
