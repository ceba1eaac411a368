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
  const sites = Object.values(config.sites).map((site) => site.idTokenAlgorithm);
  const all = [config.tokens.algorithm, config.tokens.idTokenAlgorithm, ...sites];
  return [...new Set(all.filter((alg): alg is SigningAlgorithm => alg !== undefined))];
}
