// Auth.js for Express with its WordPress.com provider, pointed at the same double as Byline: the
// comparison for the login benchmark. JWT sessions (its default without a database adapter).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ExpressAuth } from '@auth/express';
import WordPress from '@auth/express/providers/wordpress';
import express from 'express';
import { exitWithParent, ready } from './ipc.js';

interface WordPressSettings {
  clientId: string;
  clientSecret: string;
  endpoints: { authorization: string; token: string; userinfo: string };
}

const wordpress = JSON.parse(process.env.BENCH_WORDPRESS ?? '{}') as WordPressSettings;
const app = express();
app.set('trust proxy', true);
app.use(
  '/auth',
  ExpressAuth({
    secret: randomBytes(32).toString('base64url'),
    trustHost: true,
    providers: [
      WordPress({
        clientId: wordpress.clientId,
        clientSecret: wordpress.clientSecret,
        authorization: { url: wordpress.endpoints.authorization, params: { scope: 'auth' } },
        token: wordpress.endpoints.token,
        userinfo: wordpress.endpoints.userinfo,
        // WordPress.com refuses client_secret_basic, Auth.js's default.
        client: { token_endpoint_auth_method: 'client_secret_post' },
      }),
    ],
  }),
);
app.get('/done', (_req, res) => {
  res.send('Logged in.');
});
const server = app.listen(0, '127.0.0.1', () => {
  ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
exitWithParent(() => {
  server.closeAllConnections();
  server.close();
});
