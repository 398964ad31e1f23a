import type { Principal } from '../../auth/principal.js';
import { purposeAdmits } from '../../auth/purpose.js';
import { personScope } from '../../auth/row-scope.js';
import type { DeliveryQueue } from '../../server/job-queue.js';
import { today } from '../../shared/dates.js';
import { formatMoney } from '../../shared/money.js';
import type { Agency, Purpose } from '../../generated/prisma/enums.js';
import type { AlertRepository } from '../alert/alert.repository.js';
import type { EventRepository } from '../event/event.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { PersonRepository } from '../person/person.repository.js';
import type { WebhookRepository } from './webhook.repository.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook.signature.js';
import { postToTarget, TargetRefused, type CheckedTarget, type WebhookTargets } from './webhook.target.js';

/** Alerts serve the follow-up of the target agencies (access-policy.md §3). */
const ALERT_PURPOSE: Purpose = 'MONITORING_FOLLOW_UP';

/** What a webhook body carries, as field coordinates for the audit log. */
const PUSHED_FIELDS = [
  ...['id', 'rule', 'ruleSet', 'citation', 'measure', 'threshold', 'amount', 'targets', 'year', 'month', 'raisedAt'].map(
    (f) => `Alert.${f}`,
  ),
  'Alert.person',
  'Person.id',
  'Person.regionCode',
];

/** What an event's webhook body carries, as field coordinates for the audit log. */
const EVENT_FIELDS = [
  'HubEvent.id',
  'HubEvent.kind',
  'HubEvent.subjectId',
  'HubEvent.occurredAt',
  'HubEvent.decision',
  'HubEvent.decisionNote',
  'Person.id',
  'Person.regionCode',
];

/** How a delivery attempt ended. */
export type AttemptOutcome = 'DELIVERED' | 'RETRY' | 'DEAD' | 'SKIPPED';

/** What the dispatcher needs besides the repositories. */
export interface DispatchOptions {
  /** Attempts of one delivery before it is dead. */
  maxAttempts: number;
  /** Milliseconds one POST may take. */
  timeoutMs: number;
}

/**
 * The work behind the outbox jobs: fanning an alert out to the webhooks of
 * its target agencies (only clients whose rows hold the person), and POSTing
 * it, signed, to one webhook. A delivery keeps one id over all its attempts;
 * with at-least-once jobs that id is what makes it exactly-once for the
 * receiver. Every 2xx is audited as the client's read of the person.
 */
export class WebhookDispatcher {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly alerts: AlertRepository,
    private readonly events: EventRepository,
    private readonly persons: PersonRepository,
    private readonly audit: AuditRepository,
    private readonly queue: DeliveryQueue,
    private readonly targets: WebhookTargets,
    private readonly options: DispatchOptions,
  ) {}

  /**
   * Whether a client may receive a person's alert now: active, declaring the
   * follow-up purpose alerts serve, and holding the person in its rows as of
   * today. Checked at fan-out and again at every attempt: a client disabled or
   * a person moved away meanwhile gets nothing more.
   */
  private async entitled(
    client: Pick<Principal, 'clientId' | 'agency' | 'jurisdiction' | 'purposes'> & { active: boolean },
    personId: string,
    purpose: Purpose = ALERT_PURPOSE,
  ) {
    const principal: Principal = { ...client, jti: 'webhook' };
    // The access guard's purpose step, as for a subscription's events: the client's and agency's purposes, and the fields pushed.
    const fields = purpose === ALERT_PURPOSE ? PUSHED_FIELDS : EVENT_FIELDS;
    if (!client.active || !purposeAdmits(principal, purpose, fields)) return false;
    return (await this.persons.findByIds([personId], personScope(principal, today()))).length > 0;
  }

  /** Creates (once) and enqueues the deliveries of an alert; returns how many webhooks it goes to. */
  async fanOut(alertId: string): Promise<number> {
    const alert = await this.alerts.findOne({ id: alertId });
    if (!alert) return 0;
    const reached: string[] = [];
    for (const webhook of await this.webhooks.activeFor(alert.targets)) {
      const { id: clientId, agency, jurisdiction, purposes } = webhook.client;
      if (await this.entitled({ clientId, agency, jurisdiction, purposes, active: true }, alert.personId)) reached.push(webhook.id);
    }
    if (reached.length === 0) return 0;
    await this.webhooks.enqueueDeliveries({ alertId: alert.id }, reached, this.queue);
    return reached.length;
  }

  /**
   * Creates (once) and enqueues the deliveries of an exchange event: to the
   * webhooks of its target agencies' clients (or of its one target client)
   * that declare the purpose it serves and hold its person in their rows.
   */
  async fanOutEvent(eventId: string): Promise<number> {
    const event = await this.events.findOne(eventId);
    if (!event) return 0;
    const reached: string[] = [];
    for (const webhook of await this.webhooks.activeFor(event.targets)) {
      const { id: clientId, agency, jurisdiction, purposes } = webhook.client;
      if (event.targetClientId !== null && event.targetClientId !== clientId) continue;
      if (await this.entitled({ clientId, agency, jurisdiction, purposes, active: true }, event.personId, event.purpose))
        reached.push(webhook.id);
    }
    if (reached.length === 0) return 0;
    await this.webhooks.enqueueDeliveries({ eventId: event.id }, reached, this.queue);
    return reached.length;
  }

  /** What a delivery carries: the JSON body, its person, the purpose it serves and how it is named in the audit log. */
  private async payload(delivery: { id: string; alertId: string | null; eventId: string | null }, client: { id: string }) {
    if (delivery.eventId !== null) {
      const event = await this.events.findOne(delivery.eventId);
      if (!event || (event.targetClientId !== null && event.targetClientId !== client.id)) return null;
      const [person] = await this.persons.findByIds([event.personId]);
      const { decision, decisionNote } = await this.events.detailOf(event);
      const body = JSON.stringify({
        deliveryId: delivery.id,
        event: event.kind,
        data: {
          id: event.id,
          kind: event.kind,
          subjectId: event.subjectId,
          occurredAt: event.occurredAt.toISOString(),
          person: { id: event.personId, regionCode: person?.regionCode ?? null },
          // The decision fed back to its submitter (application.decided); absent for the other kinds.
          ...(decision && { decision, decisionNote }),
        },
      });
      return {
        body,
        personId: event.personId,
        purpose: event.purpose,
        operationName: `webhook ${event.kind}`,
        fields: EVENT_FIELDS,
        delivered: async () => {},
      };
    }
    const alert = await this.alerts.findOne({ id: delivery.alertId! });
    if (!alert) return null;
    const [person] = await this.persons.findByIds([alert.personId]);
    const body = JSON.stringify({
      deliveryId: delivery.id,
      event: 'alert.raised',
      alert: {
        id: alert.id,
        rule: alert.rule,
        ruleSet: alert.ruleSet,
        citation: alert.citation,
        measure: alert.measure,
        threshold: formatMoney(alert.threshold),
        amount: formatMoney(alert.amount),
        targets: alert.targets,
        year: alert.year,
        month: alert.month,
        raisedAt: alert.raisedAt.toISOString(),
        person: { id: alert.personId, regionCode: person?.regionCode ?? null },
      },
    });
    return {
      body,
      personId: alert.personId,
      purpose: ALERT_PURPOSE as Purpose,
      operationName: 'webhook alert.raised',
      fields: PUSHED_FIELDS,
      delivered: async (agency: Agency, clientId: string) => {
        await this.alerts.recordDelivery(alert.id, agency, clientId, 'WEBHOOK');
      },
    };
  }

  /** Marks a delivery dead when its last attempt broke before it could say how it went (a database error, say). */
  async gaveUp(deliveryId: string, attempts: number, error: string): Promise<void> {
    await this.webhooks.attempted(deliveryId, { status: 'DEAD', error, attempts });
  }

  /**
   * One attempt of a delivery; `attempt` counts from 1. The webhook's host is
   * resolved and checked again (a name may point elsewhere since
   * registration), and the POST connects to the address checked.
   */
  async attempt(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
    const delivery = await this.webhooks.findDelivery(deliveryId);
    if (!delivery || delivery.status !== 'PENDING') return 'SKIPPED';
    const { client } = delivery.webhook;
    const active = client.status === 'ACTIVE' && delivery.webhook.disabledAt === null;
    const pushed = await this.payload(delivery, client);
    if (
      !pushed ||
      !(await this.entitled(
        { clientId: client.id, agency: client.agency, jurisdiction: client.jurisdiction, purposes: client.purposes, active },
        pushed.personId,
        pushed.purpose,
      ))
    ) {
      await this.webhooks.attempted(delivery.id, {
        status: 'DEAD',
        error: 'the client may no longer receive this push',
        attempts: attempt - 1,
      });
      return 'SKIPPED';
    }
    const { body } = pushed;
    let target: CheckedTarget;
    try {
      target = await this.targets.check(new URL(delivery.webhook.url));
    } catch (refused) {
      if (!(refused instanceof TargetRefused)) throw refused;
      // Nothing left the hub: the attempt failed as an unreachable endpoint would, in words that name the class only.
      return this.failed(
        delivery.id,
        attempt,
        refused.reason === 'unresolvable' ? 'DNS lookup failed' : `address not allowed (${refused.reason})`,
      );
    }
    // Logged before it leaves the hub, on every attempt: the receiver may keep what it got even when it answers an error.
    await this.audit.append({
      clientId: client.id,
      agency: client.agency,
      purpose: pushed.purpose,
      operationName: pushed.operationName,
      personIds: [pushed.personId],
      fields: pushed.fields,
      outcome: 'SUCCESS',
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const error = await postToTarget(
      target,
      {
        'content-type': 'application/json',
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(delivery.webhook.secret, timestamp, body),
      },
      body,
      this.options.timeoutMs,
    );
    if (error === null) {
      // The delivery row last: a crash before it leaves the delivery PENDING, to be sent again under the same id.
      await pushed.delivered(client.agency, client.id);
      await this.webhooks.attempted(delivery.id, { status: 'DELIVERED', error: null, attempts: attempt });
      return 'DELIVERED';
    }
    return this.failed(delivery.id, attempt, error);
  }

  /** Records a failed attempt: retried, or dead after the last. */
  private async failed(deliveryId: string, attempt: number, error: string): Promise<AttemptOutcome> {
    const dead = attempt >= this.options.maxAttempts;
    await this.webhooks.attempted(deliveryId, { status: dead ? 'DEAD' : 'PENDING', error, attempts: attempt });
    return dead ? 'DEAD' : 'RETRY';
  }
}
