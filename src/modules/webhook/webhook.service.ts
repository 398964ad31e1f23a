import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/principal.js';
import type { DeliveryStatus } from '../../generated/prisma/enums.js';
import { CapReachedError, NotFoundError } from '../../shared/errors.js';
import { pageSize } from '../../shared/pagination.js';
import { requireUuid } from '../../shared/validate.js';
import type { AuditWriter } from '../audit/audit.writer.js';
import type { DeliveryQueue } from '../../server/job-queue.js';
import type { WebhookRepository } from './webhook.repository.js';
import type { WebhookTargets } from './webhook.target.js';
import type { Webhook, WebhookDeliveryRecord, WebhookRegistration } from './webhook.type.js';

/**
 * A client's webhooks: registration (the secret shown once), removal, its
 * deliveries (the dead ones are the dead letters) and their replay. A client
 * sees and touches only its own.
 */
export class WebhookService {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly queue: DeliveryQueue | null,
    private readonly principal: Principal,
    private readonly audit: AuditWriter,
    private readonly targets: WebhookTargets,
    /** Active webhooks the client may hold: its `webhooksPerClient` (limits-policy.ts). */
    private readonly webhooksPerClient: number,
  ) {}

  /**
   * Registers `url` for the client's pushes; the secret is returned this once.
   * The URL must point to a public address (checked again at every delivery),
   * and the client may hold at most its `webhooksPerClient`.
   */
  async register(url: string): Promise<WebhookRegistration> {
    const checked = await this.targets.checkRegistration(url);
    const secret = randomBytes(32).toString('base64url');
    const { webhooksPerClient } = this;
    return this.audit.transaction(async (tx) => {
      // Counted under the client's lock: two registrations at once cannot both take the last place.
      const held = await this.repository.lockAndCountActive(tx, this.principal.clientId);
      if (held >= webhooksPerClient) throw new CapReachedError('webhooksPerClient', webhooksPerClient);
      const webhook = await this.repository.create(tx, { clientId: this.principal.clientId, url: checked.toString(), secret });
      return { webhook, secret };
    });
  }

  /** Disables one of the client's webhooks. */
  async remove(id: string): Promise<Webhook> {
    const webhook = await this.repository.findOwn(requireUuid(id, 'id'), this.principal.clientId);
    if (!webhook) throw new NotFoundError('no webhook with this id', 'id');
    return this.audit.transaction((tx) => this.repository.disable(tx, webhook.id));
  }

  /** The client's deliveries, newest first, of one status or all. */
  deliveries(status: DeliveryStatus | null, first: number | null): Promise<WebhookDeliveryRecord[]> {
    return this.repository.deliveriesOf(this.principal.clientId, status, pageSize(first));
  }

  /** Tries a dead delivery again from attempt zero, with the same delivery id. */
  async replay(id: string): Promise<WebhookDeliveryRecord> {
    const deliveryId = requireUuid(id, 'id');
    return this.audit.transaction(async (tx) => {
      const revived = await this.repository.revive(tx, deliveryId, this.principal.clientId);
      if (!revived) throw new NotFoundError('no dead delivery of this client with this id', 'id');
      await this.queue?.enqueueDelivery(tx, revived);
      return revived;
    });
  }
}
