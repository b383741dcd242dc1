// Imported (`node --import`) beside trace-hook.cjs: registers a resolve hook that records every
// file an ES module import resolves to (packages such as zod load as ESM), appended to the same
// trace folder. The hook runs on Node's loader thread; it writes with appendFileSync.
import { register } from 'node:module';

if (process.env.LOSSBOOK_TRACE_DIR) register('./trace-esm-hooks.mjs', import.meta.url, { data: { folder: process.env.LOSSBOOK_TRACE_DIR, pid: process.pid } });
