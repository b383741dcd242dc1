// What `npm run dist` packages, checked without building: targets, the .lossbook association,
// icons that really are PNG/ICO/ICNS of the right sizes, native modules unpacked from asar, and
// only the target platform's Dawn build — evaluated with electron-builder's own file matcher.
// (A real `electron-builder --dir` run with a stand-in Electron binary was also used to confirm
// linux x64/arm64 and win x64 keep only their own dist/<platform>/dawn.node.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config, { DAWN_BUILDS, dawnExclusions } from '../../electron-builder';
import { APP_USER_MODEL_ID } from './lossbook-app';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resources = join(root, 'resources');
const require = createRequire(import.meta.url);
const { FileMatcher } = require('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (from: string, to: string, expand: (pattern: string) => string, patterns?: string[]) => {
    prependPattern(pattern: string): void;
    addPattern(pattern: string): void;
    createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean;
  };
};

function pngSize(buffer: Buffer): { width: number; height: number } {
  expect(buffer.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

function icoSizes(path: string): number[] {
  const buffer = readFileSync(path);
  expect(buffer.readUInt16LE(2)).toBe(1);
  const count = buffer.readUInt16LE(4);
  const sizes: number[] = [];
  for (let index = 0; index < count; index++) {
    const entry = 6 + index * 16;
    const declared = buffer.readUInt8(entry) || 256;
    const length = buffer.readUInt32LE(entry + 8);
    const offset = buffer.readUInt32LE(entry + 12);
    expect(pngSize(buffer.subarray(offset, offset + length))).toEqual({ width: declared, height: declared });
    sizes.push(declared);
  }
  return sizes;
}

function icnsTypes(path: string): string[] {
  const buffer = readFileSync(path);
  expect(buffer.toString('ascii', 0, 4)).toBe('icns');
  expect(buffer.readUInt32BE(4)).toBe(buffer.length);
  const types: string[] = [];
  for (let offset = 8; offset < buffer.length; ) {
    const length = buffer.readUInt32BE(offset + 4);
    types.push(buffer.toString('ascii', offset, offset + 4));
    pngSize(buffer.subarray(offset + 8, offset + length));
    offset += length;
  }
  return types;
}

/** Does electron-builder keep node_modules/<path> for this platform and arch? (node-module matcher: excludes only). */
function keeps(os: 'linux' | 'mac' | 'win', arch: string, path: string): boolean {
  const matcher = new FileMatcher(root, '/', (pattern) => pattern.replace(/\$\{arch\}/g, arch));
  const excludes = [...(config.files as string[]), ...(((config[os] as { files?: string[] }).files ?? []) as string[])].filter((pattern) => pattern.startsWith('!'));
  for (const pattern of excludes) matcher.addPattern(pattern);
  matcher.prependPattern('**/*');
  const filter = matcher.createFilter();
  const parts = path.split('/');
  // Like the copier, a file is kept only if every folder on its way is kept (node_modules itself
  // is walked by the dependency collector, not filtered).
  for (let depth = 2; depth <= parts.length; depth++) {
    const partial = join(root, ...parts.slice(0, depth));
    if (!filter(partial, { isDirectory: () => depth < parts.length })) return false;
  }
  return true;
}

describe('electron-builder configuration', () => {
  it('gives Windows the app id the app registers itself under (jump list, recent documents)', () => {
    expect(config.appId).toBe(APP_USER_MODEL_ID);
  });

  it('builds AppImage + deb, dmg and NSIS', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.npmRebuild).toBe(false);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true, enableNodeCliInspectArguments: false });
  });

  it('associates .lossbook with its name, MIME type and document icon', () => {
    const [association] = config.fileAssociations as unknown as Array<Record<string, string>>;
    expect(association).toMatchObject({ ext: 'lossbook', name: 'Lossbook Notebook', mimeType: 'application/x-lossbook', icon: 'lossbook-document' });
    expect(icoSizes(join(resources, 'lossbook-document.ico'))).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(icnsTypes(join(resources, 'lossbook-document.icns'))).toContain('ic10');
  });

  it('app icons exist in every form each platform needs', () => {
    expect(icoSizes(join(resources, config.win!.icon as string))).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(icnsTypes(join(resources, config.mac!.icon as string))).toEqual(['icp4', 'icp5', 'ic11', 'icp6', 'ic12', 'ic07', 'ic08', 'ic13', 'ic09', 'ic14', 'ic10']);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(readFileSync(join(resources, config.linux!.icon as string, `${size}x${size}.png`)))).toEqual({ width: size, height: size });
    }
  });

  it('unpacks tfjs-node-gpu, tfjs-node, Dawn, esbuild and libsql from asar', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@tensorflow/tfjs-node-gpu/**', 'node_modules/webgpu/dist/**', 'node_modules/esbuild/**', 'node_modules/@libsql/**']));
  });

  it('unpacks every native module the packaged app installs (none loads from inside asar)', () => {
    // Packages the app ships (not dev-only in the lockfile) that hold a compiled .node file here.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const nativeFiles = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && existsSync(join(root, path)))
      .flatMap(([path]) => (readdirSync(join(root, path), { recursive: true }) as string[]).filter((file) => file.endsWith('.node')).map((file) => `${path}/${file}`));
    // The native modules installed on this machine at least: libsql's and Dawn's.
    expect(nativeFiles).toEqual(expect.arrayContaining(['node_modules/@libsql/linux-x64-gnu/index.node', 'node_modules/webgpu/dist/linux-x64/dawn.node']));
    const unpacked = (config.asarUnpack as string[]).map((pattern) => {
      expect(pattern, 'the check below reads prefix/** patterns only').toMatch(/^[^*]+\/\*\*$/);
      return pattern.slice(0, -2);
    });
    expect(nativeFiles.filter((file) => !unpacked.some((prefix) => file.startsWith(prefix)))).toEqual([]);
  });

  it.each([
    ['linux', 'x64', 'linux-x64'],
    ['linux', 'arm64', 'linux-arm64'],
    ['win', 'x64', 'win32-x64'],
    ['win', 'arm64', 'win32-arm64'],
    ['mac', 'x64', 'darwin-universal'],
    ['mac', 'arm64', 'darwin-universal'],
    ['mac', 'universal', 'darwin-universal'],
  ] as const)('%s %s packages only the %s Dawn build', (os, arch, own) => {
    const kept = DAWN_BUILDS.filter((build) => keeps(os, arch, `node_modules/webgpu/dist/${build}/dawn.node`));
    expect(kept).toEqual([own]);
    // The rest of the package (its loader) stays.
    expect(keeps(os, arch, 'node_modules/webgpu/index.js')).toBe(true);
    expect(keeps(os, arch, 'node_modules/@tensorflow/tfjs/package.json')).toBe(true);
  });

  it('names every Dawn build the webgpu package ships', () => {
    const shipped = require('node:fs').readdirSync(join(root, 'node_modules/webgpu/dist')).sort();
    expect(shipped).toEqual([...DAWN_BUILDS].sort());
    expect(dawnExclusions('mac')).toHaveLength(4);
  });
});
