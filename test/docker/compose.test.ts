import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here: these tests read the files as `docker compose` and `docker build` would, and check their shape.
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  env_file?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  init?: boolean;
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;

/** A service's environment as name → value, whichever of the two forms it is written in. */
function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value)]));
  return Object.fromEntries(env.map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=')]));
}

/** The Dockerfile's instructions (continuation lines joined, comments dropped), grouped by stage. */
function stages(text: string): { name: string; instructions: [string, string][] }[] {
  const lines = text.replace(/\\\n\s*/g, ' ').split('\n');
  const result: { name: string; instructions: [string, string][] }[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(trimmed)!;
    if (keyword!.toUpperCase() === 'FROM') result.push({ name: /\bAS\s+(\S+)/i.exec(rest!)?.[1] ?? '', instructions: [] });
    result.at(-1)!.instructions.push([keyword!.toUpperCase(), rest!]);
  }
  return result;
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEYS?$/;

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, migrations once, and the hub built from the Dockerfile', () => {
    expect(Object.keys(services).sort()).toEqual(['db', 'hub', 'migrate']);
    expect(services.db!.image).toMatch(/^postgres:\d+/);
    expect(services.hub!.build).toBe('.');
    expect(services.migrate!.build).toBe('.');
    expect(services.migrate!.command).toEqual(['node', 'bin/hub.js', 'migrate']);
    expect(services.hub!.depends_on).toEqual({
      db: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    // The image's own command starts the hub: node itself, not a shell that would swallow SIGTERM.
    expect(services.hub!.command).toBeUndefined();
  });

  it('checks the health of the database and of the hub', () => {
    expect(services.db!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
    expect(services.hub!.healthcheck!.test.join(' ')).toMatch(/\/readyz/);
  });

  it('writes no secret inline: passwords, keys and tokens come from env files that are not committed', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(environment(service))) {
        expect(SECRET_NAME.test(variable), `${name}.${variable}`).toBe(false);
        expect(value, `${name}.${variable}`).not.toMatch(/:\/\/[^/@\s]+:[^/@\s]+@/);
      }
    }
    expect(read('docker-compose.yml')).not.toMatch(/\$\{?[A-Z_]*(PASSWORD|SECRET|TOKEN|KEYS)/);
    expect(services.db!.env_file).toBe('docker/db.env');
    expect(services.hub!.env_file).toBe('docker/hub.env');
    expect(read('.gitignore')).toMatch(/^\/docker\/\*\.env$/m);
    expect(read('.dockerignore')).toMatch(/^docker\/\*\.env$/m);
    // Examples to copy from, with every variable the hub refuses to start in production without.
    expect(existsSync(path.join(ROOT, 'docker/db.env.example'))).toBe(true);
    const example = read('docker/hub.env.example');
    for (const variable of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'HUB_AUDIT_KEYS', 'HUB_CORS_ORIGINS']) {
      expect(example, variable).toMatch(new RegExp(`^${variable}=`, 'm'));
    }
  });

  it('publishes the hub’s port only, keeps data in named volumes, and loads no demo data', () => {
    expect(services.hub!.ports).toEqual(['4000:4000']);
    expect(services.db!.ports).toBeUndefined();
    expect(environment(services.hub!).PORT).toBe('4000');
    expect(environment(services.hub!).NODE_ENV).toBe('production');
    expect(environment(services.hub!).HUB_DEMO).toBeUndefined();
    const named = (service: Service) =>
      (service.volumes ?? []).map((volume) => volume.split(':')[0]!).filter((source) => !source.startsWith('.'));
    expect(named(services.db!)).toEqual(['db-data']);
    expect(named(services.hub!)).toEqual(['hub-data', 'hub-checkpoints']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['db-data', 'hub-checkpoints', 'hub-data']);
    // No bind mount of the checkout: the hub runs from its image.
    expect((services.hub!.volumes ?? []).some((volume) => volume.startsWith('.'))).toBe(false);
  });
});

describe('Dockerfile', () => {
  const built = stages(read('Dockerfile'));
  const runtime = built.at(-1)!;
  const of = (stage: (typeof built)[number], keyword: string) => stage.instructions.filter(([k]) => k === keyword).map(([, rest]) => rest);

  it('builds in two stages: npm ci and generate, then production dependencies with the generated client', () => {
    expect(built.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    expect(of(built[0]!, 'RUN').join('\n')).toMatch(/npm ci/);
    expect(of(built[0]!, 'RUN').join('\n')).toMatch(/npm run generate:prisma/);
    expect(of(runtime, 'RUN').join('\n')).toMatch(/npm ci --omit=dev/);
    expect(of(runtime, 'COPY')).toContain('--from=build /app/src/generated src/generated');
  });

  it('runs as a non-root user, node as PID 1, with a health check', () => {
    const users = of(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(of(runtime, 'CMD')).toEqual(['["node", "bin/hub.js", "start"]']);
    expect(of(runtime, 'HEALTHCHECK').join(' ')).toMatch(/\/readyz/);
    expect(of(runtime, 'EXPOSE')).toEqual(['4000']);
  });
});
