import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where a provider's private key is configured: its PEM text, or the path of a file holding it. */
interface PrivateKeySource {
  privateKey?: string | undefined;
  privateKeyFile?: string | undefined;
}

/**
 * The PEM text of a configured private key: read from `privateKeyFile` (relative to the working
 * directory), or `privateKey` as written, where a literal `\n` stands for a line break (an environment
 * variable in an env file cannot hold one). Throws when the file cannot be read; the message names the
 * file, never its contents.
 */
export function privateKeyPem(source: PrivateKeySource): string {
  if (source.privateKeyFile !== undefined) {
    try {
      return readFileSync(resolve(source.privateKeyFile), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`);
    }
  }
  const text = source.privateKey ?? '';
  return text.includes('\n') ? text : text.replaceAll('\\n', '\n');
}

/**
 * The PEM as an EC P-256 private key (ES256), such as Sign in with Apple's `.p8`. Throws a message for
 * admins otherwise; it never quotes the key.
 */
export function es256PrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem.trim(), format: 'pem' });
  } catch {
    throw new Error('is not a PEM private key (the .p8 file: -----BEGIN PRIVATE KEY----- …)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error('must be an EC P-256 private key (an ES256 key, as Sign in with Apple keys are)');
  return key;
}
