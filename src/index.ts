/**
 * The gateway as a library: build the app around your own store, clock or fetch (as the tests do),
 * or start the server the CLI starts. Comment backends want `byline-gateway/verify` instead.
 */
export { type AppDependencies, type BylineApp, createApp } from './app.js';
export { ConfigError } from './config/errors.js';
export { loadConfig, parseConfig } from './config/load.js';
export type { Config, ProviderConfig, SiteConfig } from './config/schema.js';
export { openStore, type RunningServer, type StartOptions, startServer } from './server.js';
export { MemoryStore } from './store/memory.js';
export { RedisStore } from './store/redis.js';
export type { Store, StoreWrite, Versioned } from './store/store.js';
export { KeyStore } from './tokens/keystore.js';
