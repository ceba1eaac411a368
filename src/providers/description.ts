import type { IDToken, ServerMetadata, TokenEndpointResponse } from 'openid-client';
import type { Identity } from '../identity.js';

/** The upstream URLs an admin may override (`providers.<id>.endpoints`) or a description writes out. */
export interface Endpoints {
  /** Where the reader's browser is sent. */
  authorization: string;
  /** Where Byline exchanges the code. */
  token: string;
  /** The profile (OpenID UserInfo, or the provider's own `/me`), read with the access token. */
  userinfo?: string;
}

/**
 * How Byline authenticates at the token endpoint. `secret` may be computed for each request (Apple's
 * client secret is a JWT Byline signs and renews).
 */
export type ClientAuthentication =
  | { method: 'client_secret_basic' | 'client_secret_post'; secret: string | (() => Promise<string>) }
  | { method: 'none' };

/**
 * Where the server's metadata comes from: OpenID discovery at `issuer` (on the first login, retried
 * after a failure), or written out. An `iss` at the callback (RFC 9207) is checked against the issuer;
 * a written-out server without one cannot be checked, so its `iss` is ignored (the per-provider
 * callback URL is the mix-up defence there, RFC 9700 §4.4.2).
 */
type ServerDescription =
  | { discover: true; issuer: string }
  | {
      discover?: false;
      issuer?: string;
      /** Taken as written: a preset that takes them from config checks them with upstreamEndpoint. */
      endpoints: Endpoints;
      /** More metadata, for an OpenID provider written out (the dev IdP): `jwks_uri`, algorithms. */
      metadata?: Omit<Partial<ServerMetadata>, 'issuer'>;
    };

/** What a description's `profile` step gets once the code is exchanged. */
export interface ProfileInput {
  /** The provider id: `Identity.provider`. */
  provider: string;
  /** The token endpoint's answer. */
  tokens: TokenEndpointResponse;
  /** The validated ID token's claims (OpenID descriptions only). */
  claims?: IDToken;
  /** The callback's parameters (Apple posts the reader's name in `user`, once). */
  params: URLSearchParams;
  /**
   * GETs a JSON object with the access token (`Authorization: Bearer`): `url` (default: the userinfo
   * endpoint), which must be https or loopback http; `headers` are sent too (`accept` is
   * `application/json` unless they say otherwise). Rejects on any other status, type or shape.
   */
  fetchJson(url?: string | URL, headers?: Record<string, string>): Promise<Record<string, unknown>>;
  /** As fetchJson, for an answer that is a JSON array (GitHub's `/user/emails`). */
  fetchJsonArray(url?: string | URL, headers?: Record<string, string>): Promise<unknown[]>;
  /**
   * OpenID UserInfo, its `sub` checked against the ID token's; `{}` when the provider has no userinfo
   * endpoint. OpenID descriptions only.
   */
  userinfo(): Promise<Record<string, unknown>>;
}

/**
 * A provider as data: everything the engine (engine.ts) needs to log a reader in through it. Presets
 * (presets/*.ts) turn a config block into one; the registry turns it into an UpstreamProvider.
 */
export interface ProviderDescription {
  /** The provider id (the config key): the callback URL, the `idp` claim and the `sub` prefix. */
  id: string;
  /** The config type (`oidc`, `wordpress`, `oauth2`, …). */
  type: string;
  /** The brand name on the button. */
  name: string;
  /** The icon's URL (`ctx.iconUrl(config.icon, '/static/icons/<type>.svg')`). */
  icon: string;
  server: ServerDescription;
  /**
   * The admin's `endpoints` overrides (a staging host, a proxy, a test double), over the discovered or
   * written-out ones. Checked when the provider is built: https, or plain http on loopback only.
   */
  endpoints?: Partial<Endpoints>;
  clientId: string;
  clientAuth: ClientAuthentication;
  /** The scopes asked for, sent space-separated (none: no `scope` parameter). */
  scopes: readonly string[];
  /** Send an S256 PKCE challenge (default true). */
  pkce?: boolean;
  /**
   * OpenID Connect: a nonce is sent and an ID token is required, validated by openid-client (signature
   * against the provider's JWKS even from the token endpoint, `iss`, `aud`, times, nonce).
   */
  oidc?: boolean;
  /**
   * OpenID providers: send a nonce and require it in the ID token (default true). LinkedIn's ID tokens
   * never carry one, so it sends none; `state` and the client secret protect the exchange.
   */
  nonce?: boolean;
  /**
   * Other `iss` values the provider's ID tokens may carry besides its issuer (Google's legacy
   * `accounts.google.com`): a token naming one is validated in full against it (issuer-aliases.ts).
   */
  idTokenIssuerAliases?: readonly string[];
  /** Extra authorization request parameters (never `state`, `nonce`, PKCE or `redirect_uri`). */
  authorizationParams?: Record<string, string>;
  /** Extra parameters when the site asked for a fresh login (`prompt=login` for OpenID providers). */
  forceLoginParams?: Record<string, string>;
  /**
   * Token endpoint `error` codes that are the provider refusing this reader rather than a failure
   * (GitHub's `unverified_user_email`): the site gets `access_denied`, not `server_error`.
   */
  deniedTokenErrors?: readonly string[];
  /** `form_post`: the provider posts its answer to the callback (default `query`). */
  responseMode?: 'query' | 'form_post';
  /**
   * Turns the exchanged tokens into Byline's Identity. Throwing fails the login (`server_error`),
   * UpstreamDeniedError refuses it (`access_denied`); ids must be exact (profile.ts's exactId).
   */
  profile(input: ProfileInput): Promise<Identity>;
}
