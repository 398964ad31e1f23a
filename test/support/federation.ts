import { GatewayProof } from '../../src/federation/gateway-proof.js';
import { buildSubgraph } from '../../src/federation/subgraph-schema.js';
import type { Subgraph } from '../../src/federation/subgraphs.js';
import { startHttpServer, type HubHttpServer } from '../../src/server/http.js';
import { buildHubSchema, HUB_RESOLVERS } from '../../src/server/schema.js';
import type { TestHub } from './hub.js';

/** Subgraphs served on loopback ports over a test hub's database, clients and keys. */
export interface TestSubgraphs {
  /** Each subgraph's `/graphql` URL. */
  urls: Record<string, string>;
  /** The gateway's secret, and its proof. */
  secret: string;
  proof: GatewayProof;
  close(): Promise<void>;
}

/** Starts `names` as `hub subgraph` would, on the test hub's database. */
export async function startTestSubgraphs(hub: TestHub, names: readonly Subgraph[]): Promise<TestSubgraphs> {
  const secret = GatewayProof.randomSecret();
  const proof = new GatewayProof(secret);
  const schema = await buildHubSchema(hub.pubSub);
  const servers: HubHttpServer[] = [];
  const urls: Record<string, string> = {};
  for (const name of names) {
    const server = await startHttpServer(
      {
        schema: buildSubgraph(name, schema, HUB_RESOLVERS),
        repositories: hub.repositories,
        pool: hub.pool,
        tokens: hub.tokens,
        keys: hub.keys,
        counters: hub.counters,
        gatewayProof: proof,
      },
      0,
      '127.0.0.1',
    );
    servers.push(server);
    urls[name] = `http://127.0.0.1:${server.port}/graphql`;
  }
  return {
    urls,
    secret,
    proof,
    async close() {
      for (const server of servers) await server.close();
    },
  };
}
