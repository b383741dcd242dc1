/// <reference types="vite/client" />
import type { LossbookApi } from '../../shared/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in browser mode. */
    lossbook?: LossbookApi;
  }
}

export {};
