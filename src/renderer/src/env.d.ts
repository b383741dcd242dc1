/// <reference types="vite/client" />
import type { ApiTransport } from '../../shared/api-client';

declare global {
  interface Window {
    /** The API's Electron transport, exposed by the preload (contextBridge); absent in browser mode. */
    lossbook?: ApiTransport;
  }
}

export {};
