// Packaging (`npm run dist`): Linux AppImage + deb, macOS dmg, Windows NSIS, with the .lossbook
// file association and the icons rendered from resources/*.svg (scripts/make-icons.mjs).
// electron-builder finds this file by name; src/main/packaging.test.ts checks what it says.
import type { Configuration } from 'electron-builder';

/** Dawn (the `webgpu` package) ships one native build per platform; each package keeps only its own. */
export const DAWN_BUILDS = ['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64'] as const;

/**
 * Exclude every Dawn build but the target's. `${arch}` is electron-builder's macro for the arch
 * being packaged (x64, arm64); macOS uses the single universal build for both.
 */
export function dawnExclusions(os: 'linux' | 'mac' | 'win'): string[] {
  if (os === 'mac') return DAWN_BUILDS.filter((build) => build !== 'darwin-universal').map((build) => `!node_modules/webgpu/dist/${build}{,/**}`);
  const own = os === 'linux' ? 'linux' : 'win32';
  const foreign = DAWN_BUILDS.filter((build) => !build.startsWith(`${own}-`)).map((build) => `!node_modules/webgpu/dist/${build}{,/**}`);
  // The same OS for the other architecture: anything of this OS that is not `${own}-${arch}`.
  return [...foreign, `!node_modules/webgpu/dist/${own}-!(\${arch}){,/**}`];
}

const config: Configuration = {
  appId: 'dev.lossbook.app',
  productName: 'Lossbook',
  executableName: 'lossbook',
  copyright: 'Copyright © Lossbook contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  files: [
    // Electron main, preload and renderer (electron-vite), the kernel and CLI (scripts/build-node.mjs).
    'out/**/*',
    'examples/**/*',
    '!examples/**/*.test.ts',
    'resources/icons/**/*',
    'resources/lossbook.schema.json',
    'package.json',
    // Source maps of dependencies are never read at run time.
    '!node_modules/**/*.map',
  ],
  asar: true,
  // Native code cannot load from inside an asar archive: unpack it (Electron redirects the paths).
  asarUnpack: [
    'node_modules/@tensorflow/tfjs-node-gpu/**',
    'node_modules/@tensorflow/tfjs-node/**',
    'node_modules/webgpu/dist/**',
    // The threaded wasm build's main script: its worker threads read it with fs, outside asar (src/kernel/wasm-threads.ts).
    'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/**',
    // The kernel transpiles cells with esbuild, which runs its platform binary.
    'node_modules/esbuild/**',
    'node_modules/@esbuild/**',
    // The run store's SQLite driver: libsql loads its platform's prebuilt index.node (@libsql/<platform>).
    'node_modules/@libsql/**',
  ],
  // Every native module here is prebuilt for N-API (Electron loads it as is); a rebuild of
  // tfjs-node would try to download libtensorflow.
  npmRebuild: false,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  fileAssociations: [
    {
      ext: 'lossbook',
      name: 'Lossbook Notebook',
      description: 'Lossbook notebook',
      // Linux: the deb installs a shared-mime-info entry for it and the .desktop file lists it.
      mimeType: 'application/x-lossbook',
      role: 'Editor',
      rank: 'Owner',
      // resources/lossbook-document.icns (macOS) and .ico (Windows); Linux uses the MIME type's icon.
      icon: 'lossbook-document',
    },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'icons',
    category: 'Development',
    synopsis: 'Train, watch and diagnose TensorFlow.js models',
    files: dawnExclusions('linux'),
  },
  deb: { packageCategory: 'devel' },
  mac: {
    target: ['dmg'],
    icon: 'icon.icns',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    files: dawnExclusions('mac'),
  },
  win: {
    target: ['nsis'],
    icon: 'icon.ico',
    files: dawnExclusions('win'),
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    installerIcon: 'icon.ico',
    uninstallerIcon: 'icon.ico',
  },
};

export default config;
