import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Tokens at rest: AES-256-GCM, a fresh 12-byte nonce per value, the auth tag kept with it.
 * Each value names the key that wrote it (the first 8 hex digits of the key's SHA-256), so
 * after a rotation the previous key still reads old values and the caller knows which ones
 * to write again under the current key.
 *
 * Stored form: `v1.<keyId>.<nonce>.<tag>.<ciphertext>`, the last three in base64url.
 */
export interface TokenCipher {
  encrypt(plain: string): string;
  /** `stale` when the value was written with the previous key and should be written again. */
  decrypt(stored: string): { plain: string; stale: boolean };
}

export class UndecryptableTokenError extends Error {
  constructor(keyId: string) {
    super(
      `a stored token was encrypted with key ${keyId}, which is neither LABBOOK_ENCRYPTION_KEY nor LABBOOK_ENCRYPTION_KEY_PREVIOUS`,
    );
    this.name = 'UndecryptableTokenError';
  }
}

const VERSION = 'v1';

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createTokenCipher(keys: { current: Buffer; previous?: Buffer | undefined }): TokenCipher {
  const currentId = keyId(keys.current);
  const byId = new Map<string, Buffer>([[currentId, keys.current]]);
  if (keys.previous) byId.set(keyId(keys.previous), keys.previous);
  return {
    encrypt(plain) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.current, nonce);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, currentId, b64(nonce), b64(cipher.getAuthTag()), b64(body)].join('.');
    },
    decrypt(stored) {
      const [version, id = '', nonce = '', tag = '', body = ''] = stored.split('.');
      if (version !== VERSION) throw new Error(`unknown token encoding ${String(version)}`);
      const key = byId.get(id);
      if (!key) throw new UndecryptableTokenError(id);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
      return { plain: plain.toString('utf8'), stale: id !== currentId };
    },
  };
}

const b64 = (b: Buffer): string => b.toString('base64url');
