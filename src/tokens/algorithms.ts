import type { Config } from '../config/schema.js';
import type { SigningAlgorithm } from './keystore.js';

/** The parts of the config that name signing algorithms. */
type AlgorithmConfig = {
  tokens: Pick<Config['tokens'], 'algorithm' | 'idTokenAlgorithm'>;
  sites: Record<string, { idTokenAlgorithm?: SigningAlgorithm | undefined }>;
};

/**
 * Every algorithm the gateway signs with, each once, the access tokens' first: `tokens.algorithm`,
 * `tokens.idTokenAlgorithm` and the sites' `idTokenAlgorithm`. The key set holds an active key of each.
 */
export function algorithmsInUse(config: AlgorithmConfig): SigningAlgorithm[] {
  return [...new Set([config.tokens.algorithm, ...idTokenAlgorithms(config)])];
}

/** The algorithm a site's ID tokens (and its logout tokens) are signed with. */
export function idTokenAlgorithmOf(
  config: Pick<AlgorithmConfig, 'tokens'>,
  site: { idTokenAlgorithm?: SigningAlgorithm | undefined } | undefined,
): SigningAlgorithm {
  return site?.idTokenAlgorithm ?? config.tokens.idTokenAlgorithm;
}

/** Every algorithm an ID token may be signed with, the default first, each once (discovery's list). */
export function idTokenAlgorithms(config: AlgorithmConfig): SigningAlgorithm[] {
  const sites = Object.values(config.sites).map((site) => idTokenAlgorithmOf(config, site));
  return [...new Set([config.tokens.idTokenAlgorithm, ...sites])];
}
