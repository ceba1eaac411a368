import { Router } from 'express';
import { crossOriginReadable } from '../../http/security.js';
import { prepareBody, sendPrepared } from '../../http/send.js';

/**
 * How Byline presents itself to readers' IndieAuth servers (IndieAuth §4.2, OAuth Client ID Metadata
 * Document): its `client_id` is the URL of a JSON document under `publicUrl`, which Byline serves. The
 * server shows the reader who asks (`client_name`, `client_uri`) and learns where it may send them back
 * (`redirect_uris`). `client_uri` is publicUrl, a prefix of the client_id as the spec requires.
 */
export interface IndieAuthClient {
  clientId: string;
  /** Where the document is served, at the app's root (publicUrl says where the world reaches it). */
  path: string;
  document: Record<string, unknown>;
}

export function indieAuthClient(publicUrl: string, provider: string, redirectUri: string): IndieAuthClient {
  const path = `/oauth/${provider}/client-metadata.json`;
  const clientId = publicUrl + path;
  return {
    clientId,
    path,
    document: {
      client_id: clientId,
      client_name: 'Byline',
      client_uri: `${publicUrl}/`,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
  };
}

/** `GET <path>`: the document, public and the same for every reader. */
export function clientDocumentRouter(client: IndieAuthClient): Router {
  const router = Router();
  const document = prepareBody(JSON.stringify(client.document), 'application/json');
  router.get(client.path, crossOriginReadable, (_req, res) =>
    sendPrepared(res, document, { 'Cache-Control': 'public, max-age=600' }),
  );
  return router;
}
