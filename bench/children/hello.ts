// The floor: Express 5's hello-world, as in Express's own "Hello world example".
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exitWithParent, ready } from './ipc.js';

const app = express();
app.get('/', (_req, res) => {
  res.send('Hello World!');
});
const server = app.listen(0, '127.0.0.1', () => {
  ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
exitWithParent(() => {
  server.closeAllConnections();
  server.close();
});
