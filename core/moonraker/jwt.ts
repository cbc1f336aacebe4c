/**
 * The JSON Web Tokens of Moonraker's login (HS256, signed with a key the host draws at start):
 * clients such as Fluidd read `exp` from the access token to refresh it in time, so it must be a
 * real JWT. Only what the host itself signed verifies; a token past its `exp` does not.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  iss: string;
  aud: 'Moonraker';
  /** epoch seconds */
  iat: number;
  exp: number;
  username: string;
  token_type: TokenType;
  /** what ties the token to a cuttle session (access.ts) */
  sid: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function signature(message: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

export function signToken(claims: TokenClaims, key: Buffer): string {
  const message = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${message}.${signature(message, key).toString('base64url')}`;
}

/** The claims of a token this key signed, of the given type and not expired at `now` (ms); null otherwise. */
export function verifyToken(token: string, key: Buffer, type: TokenType, now = Date.now()): TokenClaims | null {
  if (token.length > 2048) return null;
  const [header, payload, sig, extra] = token.split('.');
  if (header !== HEADER || payload === undefined || sig === undefined || extra !== undefined) return null;
  const expected = signature(`${header}.${payload}`, key);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
  } catch {
    return null;
  }
  if (claims.token_type !== type || typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return null;
  if (typeof claims.username !== 'string' || typeof claims.sid !== 'string') return null;
  return claims as TokenClaims;
}
