// Entry of the kernel's utilityProcess (built to out/main/kernel-bridge.js): bridge
// parentPort to Node IPC, then run the kernel named by LOSSBOOK_KERNEL_ENTRY.
import { pathToFileURL } from 'node:url';
import { installParentPortBridge, type ParentPortLike } from './kernel-bridge';
import { KERNEL_ENTRY_VARIABLE } from './utility-launcher';

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
const entry = process.env[KERNEL_ENTRY_VARIABLE];
if (!port || !entry) {
  console.error('lossbook kernel bridge: start me with utilityProcess.fork and LOSSBOOK_KERNEL_ENTRY set');
  process.exit(2);
}
installParentPortBridge(process as unknown as Parameters<typeof installParentPortBridge>[0], port);
await import(pathToFileURL(entry).href);
