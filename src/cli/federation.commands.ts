import { startSubgraphs } from '../server/app.js';
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
