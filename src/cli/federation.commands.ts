import { readFile } from 'node:fs/promises';
import { GatewayProof } from '../federation/gateway-proof.js';
import { GATEWAY_PORT, parseSubgraphUrls, startGateway } from '../federation/gateway.js';
import { SUBGRAPHS } from '../federation/subgraphs.js';
import { startSubgraphs, type RunningSubgraphs } from '../server/app.js';
import { ConfigError, type HubConfig } from '../server/config.js';
import { defaultSubgraphPort } from '../federation/supergraph.js';
import type { Subgraph } from '../federation/subgraphs.js';
import { log } from '../shared/log.js';
import { waitForSignal } from './signals.js';

/** `hub subgraph NAME`: serves one subgraph until SIGINT or SIGTERM, answering its gateway only. */
export async function subgraphCommand(config: HubConfig, name: Subgraph, port = defaultSubgraphPort(name)): Promise<number> {
  if (!config.gatewaySecret) throw new ConfigError('HUB_GATEWAY_SECRET is not set: a subgraph answers only requests signed by its gateway');
  const running = await startSubgraphs(config, { subgraphs: [{ name, port }], gatewaySecret: config.gatewaySecret });
  await waitForSignal();
  await running.stop();
  log.info('stopped');
  return 0;
}

/**
 * `hub gateway`: Hive Gateway over the supergraph on GATEWAY_PORT (4100). With
 * HUB_SUBGRAPHS it routes to those subgraphs (HUB_GATEWAY_SECRET shared with
 * them); without, it starts every subgraph in this process first, on
 * 4101…4107 and one database, with a fresh secret unless one is set.
 */
export async function gatewayCommand(config: HubConfig, env: NodeJS.ProcessEnv): Promise<number> {
  const port = Number(env.GATEWAY_PORT ?? GATEWAY_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`GATEWAY_PORT must be a port number, got ${env.GATEWAY_PORT}`);
  let urls;
  try {
    urls = parseSubgraphUrls(env.HUB_SUBGRAPHS);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const remote = Boolean(env.HUB_SUBGRAPHS);
  if (remote && !config.gatewaySecret)
    throw new ConfigError('HUB_GATEWAY_SECRET is not set: the subgraphs answer only requests signed with it');
  const gatewaySecret = config.gatewaySecret ?? GatewayProof.randomSecret();
  let local: RunningSubgraphs | null = null;
  if (!remote) {
    local = await startSubgraphs(config, {
      subgraphs: SUBGRAPHS.map((name) => ({ name, port: new URL(urls[name]).port ? Number(new URL(urls[name]).port) : 80 })),
      gatewaySecret,
    });
  }
  try {
    const supergraphSdl = await readFile(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const gateway = await startGateway({ supergraphSdl, urls, gatewaySecret }, port);
    log.info(`serving the federated schema at ${gateway.url}`);
    await waitForSignal();
    await gateway.close();
  } finally {
    await local?.stop();
  }
  log.info('stopped');
  return 0;
}
