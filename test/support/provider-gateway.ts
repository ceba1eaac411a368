import { type GatewayOptions, listenOnFreePort, startGateway, type TestGateway } from './gateway.js';

/** A provider's config block for a double: nothing but the app's credentials, and the double's URLs. */
export function doubleBlock<E>(double: { clientId: string; clientSecret: string; endpoints: E }): {
  clientId: string;
  clientSecret: string;
  endpoints: E;
} {
  return { clientId: double.clientId, clientSecret: double.clientSecret, endpoints: double.endpoints };
}

/**
 * Starts Byline with `providers` (and the rest of `options`) in front of a provider double, each
 * provider's callback registered at the double first: Byline's URL is known once it listens.
 */
export async function startGatewayFor(
  double: { register(...redirectUris: string[]): void },
  providers: Record<string, unknown>,
  options: Omit<GatewayOptions, 'listening'> = {},
): Promise<TestGateway> {
  const listening = await listenOnFreePort();
  double.register(...Object.keys(providers).map((id) => `${listening.url}/auth/${id}/callback`));
  return startGateway({ ...options, listening, config: { ...options.config, providers } });
}
