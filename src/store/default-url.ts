/** Where a Redis store connects when the config names no URL: the local default port, database 0. */
export const defaultRedisUrl = 'redis://127.0.0.1:6379/0';
