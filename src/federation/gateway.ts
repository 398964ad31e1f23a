import http from 'node:http';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createRemoteJwksSigningKeyProvider, extractFromHeader, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import { execute, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { decodeJwt } from 'jose';
import { AGENCIES } from '../auth/access-policy.js';
import { filteredView } from '../auth/schema-views.js';
import { SIGNING_ALGORITHM } from '../auth/signing-keys.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../auth/token.service.js';
import type { Agency } from '../generated/prisma/enums.js';
import { readsSchema } from '../server/access.plugin.js';
import { requestIdFrom } from '../shared/request-scope.js';
import { GATEWAY_PROOF_HEADER, GatewayProof } from './gateway-proof.js';
import { defaultSubgraphUrl } from './supergraph.js';
import { SUBGRAPHS, type Subgraph } from './subgraphs.js';

/** The gateway's default port (GATEWAY_PORT). */
export const GATEWAY_PORT = 4100;

/** What the gateway serves and where its subgraphs are. */
export interface GatewayOptions {
  /** The committed supergraph SDL (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** Each subgraph's `/graphql` URL (HUB_SUBGRAPHS, or the ones started beside it). */
  urls: Readonly<Record<Subgraph, string>>;
  /** The secret shared with the subgraphs (HUB_GATEWAY_SECRET). */
  gatewaySecret: string;
  /** The JWKS the clients' tokens are checked against; default: the registry subgraph's `/.well-known/jwks.json`. */
  jwksUrl?: string;
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  /** Subgraph requests sent since start, by subgraph (what the batching tests count). */
  subgraphRequests: Map<string, number>;
  close(): Promise<void>;
}

/** `HUB_SUBGRAPHS=name=url,…`: the URLs given, the defaults (4101…4107) for the others; throws on an unknown name or a bad URL. */
export function parseSubgraphUrls(text: string | undefined): Record<Subgraph, string> {
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [name, defaultSubgraphUrl(name)])) as Record<Subgraph, string>;
  for (const entry of (text ?? '').split(',').filter((part) => part.trim() !== '')) {
    const [name, url] = entry.split(/=(.*)/s).map((part) => part.trim());
    if (!name || !(SUBGRAPHS as readonly string[]).includes(name))
      throw new Error(`HUB_SUBGRAPHS names no subgraph ${JSON.stringify(name)}`);
    if (!url || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new Error(`HUB_SUBGRAPHS: ${name} needs an http(s) URL`);
    urls[name as Subgraph] = url;
  }
  return urls;
}

/** The supergraph with each subgraph's URL replaced by where it runs. */
export function pointSupergraph(supergraphSdl: string, urls: Readonly<Record<Subgraph, string>>): string {
  let sdl = supergraphSdl;
  for (const name of SUBGRAPHS) sdl = sdl.replaceAll(`url: "${defaultSubgraphUrl(name)}"`, `url: ${JSON.stringify(urls[name])}`);
  return sdl;
}

/**
 * Serves the supergraph with Hive Gateway's runtime on `port`: tokens are
 * checked against the hub's JWKS (useJWT), each agency validates (and
 * introspects) against its own view of the supergraph, as in the single
 * process, and every subgraph request carries the client's token and
 * X-Purpose, the operation's id (X-Request-Id) and the gateway's proof.
 * The subgraphs then enforce rows, masks, purposes and audit themselves.
 */
export async function startGateway(options: GatewayOptions, port = GATEWAY_PORT, host = '0.0.0.0'): Promise<RunningGateway> {
  const proof = new GatewayProof(options.gatewaySecret);
  const registry = new URL(options.urls.registry);
  const jwksUri = options.jwksUrl ?? new URL('/.well-known/jwks.json', registry).toString();
  const operationIds = new WeakMap<Request, string>();
  const operationId = (request: Request) => {
    let id = operationIds.get(request);
    if (!id) {
      id = requestIdFrom(request.headers.get('x-request-id') ?? undefined);
      operationIds.set(request, id);
    }
    return id;
  };
  const subgraphRequests = new Map<string, number>();
  const views = new WeakMap<GraphQLSchema, Map<Agency, GraphQLSchema>>();
  const viewOf = (schema: GraphQLSchema, agency: Agency) => {
    let byAgency = views.get(schema);
    if (!byAgency) views.set(schema, (byAgency = new Map()));
    let view = byAgency.get(agency);
    if (!view) byAgency.set(agency, (view = filteredView(schema, agency)));
    return view;
  };
  const agencyOf = (request: Request | undefined): Agency | undefined => {
    const token = /^Bearer\s+(.+)$/i.exec(request?.headers.get('authorization') ?? '')?.[1];
    if (!token) return undefined;
    try {
      const agency = decodeJwt(token).agency;
      return (AGENCIES as readonly string[]).includes(String(agency)) ? (agency as Agency) : undefined;
    } catch {
      return undefined;
    }
  };

  const perAgencyView: GatewayPlugin = {
    // Validation against the agency's view: a field the view lacks fails, as in the single process.
    onValidate({ context, params, setValidationFn }) {
      const agency = agencyOf((context as { request?: Request }).request);
      if (!agency) return;
      const view = viewOf(params.schema, agency);
      setValidationFn((_schema, document, rules) => validate(view, document, rules));
    },
    // Introspection answers the agency's view, not the supergraph.
    onExecute({ args, setResultAndStopExecution }) {
      const agency = agencyOf((args.contextValue as { request?: Request }).request);
      if (!agency || !readsSchema(args.document as DocumentNode)) return;
      setResultAndStopExecution(execute({ ...args, schema: viewOf(args.schema, agency) }) as never);
    },
  };

  const proxied = ['/oauth/token', '/.well-known/jwks.json'];
  const tokensAndKeys: GatewayPlugin = {
    // Tokens are issued by the hub's registry subgraph (every subgraph can: they share keys and clients).
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!proxied.includes(url.pathname)) return;
      const body = request.method === 'GET' ? undefined : await request.arrayBuffer();
      const response = await fetchAPI.fetch(new URL(url.pathname, registry).toString(), {
        method: request.method,
        headers: { 'content-type': request.headers.get('content-type') ?? 'application/x-www-form-urlencoded' },
        ...(body ? { body } : {}),
      });
      endResponse(response);
    },
  };

  const counting: GatewayPlugin = {
    onFetch({ url }) {
      const name = SUBGRAPHS.find((subgraph) => options.urls[subgraph] === url);
      if (name) subgraphRequests.set(name, (subgraphRequests.get(name) ?? 0) + 1);
    },
  };

  const gateway = createGatewayRuntime({
    supergraph: pointSupergraph(options.supergraphSdl, options.urls),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    // Hive's request id is the operation's: it is the X-Request-Id every subgraph request carries, and the proof names it.
    requestId: { generateRequestId: ({ request }) => operationId(request) },
    propagateHeaders: {
      fromClientToSubgraphs({ request }) {
        const authorization = request.headers.get('authorization') ?? undefined;
        const id = operationId(request);
        return {
          authorization,
          'x-purpose': request.headers.get('x-purpose') ?? undefined,
          'x-request-id': id,
          [GATEWAY_PROOF_HEADER]: proof.sign(id, authorization),
        };
      },
    },
    plugins: () => [
      tokensAndKeys,
      useJWT({
        signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri })],
        tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
        tokenVerification: { algorithms: [SIGNING_ALGORITHM], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
        reject: { missingToken: true, invalidToken: true },
        // Two copies of Hive's logger type differ only in a private field.
      }) as unknown as GatewayPlugin,
      perAgencyView,
      counting,
    ],
  });

  const server = http.createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${actualPort}/graphql`,
    port: actualPort,
    subgraphRequests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.dispose();
    },
  };
}
