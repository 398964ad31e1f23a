import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Authenticator, Principal } from './principal.js';

/**
 * The foundation's stop-gap authentication: bearer tokens named by
 * configuration (`HUB_API_TOKENS`, comma-separated) or, when none is, one
 * development token generated under the data directory on first start.
 * The access-control issue replaces it with signed client tokens.
 */
export class StaticTokenAuthenticator implements Authenticator {
  private constructor(private readonly digests: Buffer[]) {}

  static async load(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<StaticTokenAuthenticator> {
    const configured = (env.HUB_API_TOKENS ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const tokens = configured.length > 0 ? configured : [await developmentToken(dataDir)];
    return new StaticTokenAuthenticator(tokens.map(digest));
  }

  /** The principal of a valid `Authorization` header, or undefined. Constant-time per token. */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1]!);
    const index = this.digests.findIndex((d) => timingSafeEqual(d, presented));
    // The stop-gap token stands for medical insurance of the whole country, as no agency rules exist yet.
    return index < 0
      ? undefined
      : {
          clientId: `static-token-${index + 1}`,
          agency: 'MEDICAL_INSURANCE',
          jurisdiction: '',
          purposes: ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
          jti: `static-${index + 1}`,
        };
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The path of the generated development token. */
export function developmentTokenFile(dataDir: string): string {
  return path.join(dataDir, 'dev-token');
}

async function developmentToken(dataDir: string): Promise<string> {
  const file = developmentTokenFile(dataDir);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}
