export * from './batch.ts';
export * from './heartbeat.ts';
export * from './signing.ts';
export * from './event-hash.ts';
