import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * JSON sealed with AES-256-GCM (base64url of iv | ciphertext | tag). `context` is authenticated but not
 * included: a sealed value opens only where it was sealed for (a refresh token, a login's state).
 */
export function seal(key: Buffer, value: unknown, context = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The value `seal` sealed under `key` for `context`; undefined when it was altered or sealed otherwise. */
export function unseal<T>(key: Buffer, sealed: string, context = ''): T | undefined {
  try {
    const data = Buffer.from(sealed, 'base64url');
    if (data.length < 29) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12)).setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const json = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    return JSON.parse(json.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
