// The upload engine, platform-free: queue, retry policy, items, restrictions, the ticket
// client, object links, history, messages, and ports.ts (every interface a platform
// implements). Both apps and the tests import it through this file.
export * from './client-tickets';
export * from './emitter';
export * from './engine';
export * from './failure';
export * from './history';
export * from './items';
export * from './jpeg-metadata';
export * from './messages';
export * from './multipart-client';
export * from './multipart-state';
export * from './multipart-transfer';
export * from './mime';
export * from './object-links';
export * from './ports';
export * from './progress';
export * from './queue';
export * from './request-budget';
export * from './restrictions';
export * from './retry';
export * from './signer-retry';
export * from './stall-watchdog';
export * from './session';
export * from './store-errors';
export * from './ticket-client';
export * from './types';
