// PostGraphile 5 as a user would run it beside the hub, for bench/peer.bench.ts:
// the amber preset, the pg adaptor, Node's HTTP server. Runs under the Node 22
// that bench/peer/package.json installs (PostGraphile needs Node ≥ 22).
// The one change to amber: PgIndexBehaviorsPlugin is disabled, so that
// `condition: { year }` and `orderBy: SERVICE_DATE_DESC` exist on columns that
// lead no index (as PostGraphile 4's default `ignoreIndexes` did).
//
//   DATABASE_URL=postgres://… PORT=5678 node bench/peer/server.mjs
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: 20 } })],
  grafserv: { port: Number(process.env.PORT ?? 5678), host: '127.0.0.1', graphiql: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  console.error('PostGraphile failed to start', error);
  process.exit(1);
});
// The schema is built (introspection) before the first request is answered: the bench waits for this line.
await pgl.getSchema();
server.listen({ port: preset.grafserv.port, host: preset.grafserv.host }, () => console.log(`peer listening on ${server.address().port}`));
const stop = () => server.close(() => Promise.resolve(pgl.release()).then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
