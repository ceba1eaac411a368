import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

/**
 * oidc-provider settings shared by the dev IdP and the test peer. Naming the in-memory adapter and the
 * lifetimes explicitly is a deliberate choice for a single-process development IdP, so oidc-provider's
 * "you should change this" notices would only be noise.
 */
export const inMemoryIdpSettings = {
  adapter: class DevIdpAdapter extends MemoryAdapter {},
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    Interaction: 600,
    Session: 86_400,
    Grant: 86_400,
  },
};
