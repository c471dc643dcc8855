/**
 * The one channel to the extension: acquireVsCodeApi(), typed with the protocol.
 * The API object may be acquired once per page; everything goes through here.
 */
import type { WebviewToHost } from '../src/shared/protocol';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface HostChannel<S> {
  post(message: WebviewToHost): void;
  getState(): S | undefined;
  setState(state: S): void;
}

export function connect<S>(): HostChannel<S> {
  const api = acquireVsCodeApi<S>();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
