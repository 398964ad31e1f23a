import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import type { RegionConfigJson } from '../policy/region-config.js';

/** A new configuration version. */
export interface NewRegionConfig {
  regionCode: string;
  year: number;
  effectiveFrom: Date;
  parameters: RegionConfigJson;
  demo: boolean;
  note: string | null;
  setByClientId: string | null;
}

/** The prefixes a configuration of `regionCode` may be stored under: province, city, county. */
function prefixesOf(regionCode: string): string[] {
  return [2, 4, 6].filter((length) => length <= regionCode.length).map((length) => regionCode.slice(0, length));
}

/** Reads and adds region configuration versions; the only code that touches `region_config`. */
export class RegionConfigRepository {
  constructor(private readonly db: Db) {}

  /** Every version of `year` whose prefix covers `regionCode` (pick one with `configInForce`). */
  versionsCovering(regionCode: string, year: number, client: Db | Prisma.TransactionClient = this.db) {
    return client.regionConfig.findMany({ where: { year, regionCode: { in: prefixesOf(regionCode) } } });
  }

  /** Stores a version. */
  create(tx: Prisma.TransactionClient, data: NewRegionConfig) {
    return tx.regionConfig.create({ data: { ...data, parameters: data.parameters as Prisma.InputJsonObject } });
  }
}
