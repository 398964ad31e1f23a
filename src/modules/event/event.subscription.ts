import { Ctx, Resolver, Root, Subscription, type SubscriptionHandlerData } from 'type-graphql';
import { personScope } from '../../auth/row-scope.js';
import { EXCHANGE_EVENT } from '../../server/alert-feed.js';
import type { SubscriptionContext } from '../../server/subscriptions.js';
import { today } from '../../shared/dates.js';
import { NotFoundError } from '../../shared/errors.js';
import type { ApplicationDecision } from '../application/application.type.js';
import { ExchangeEvent } from './event.type.js';

/**
 * The event when it is for the subscriber, as for its webhooks: its agency is
 * a target, it is the one target client when the event names one (an
 * application's submitter), and the person is within its rows as of today.
 * Read from the database for each event.
 */
async function forSubscriber(ctx: SubscriptionContext, eventId: string): Promise<ExchangeEvent | null> {
  const event = await ctx.repositories.events.findOne(eventId);
  if (!event || !event.targets.includes(ctx.principal.agency)) return null;
  if (event.targetClientId !== null && event.targetClientId !== ctx.principal.clientId) return null;
  const [person] = await ctx.repositories.persons.findByIds([event.personId], personScope(ctx.principal, today()));
  if (!person) return null;
  const { decision, decisionNote } = await ctx.repositories.events.detailOf(event);
  return {
    id: event.id,
    kind: event.kind,
    subjectId: event.subjectId,
    occurredAt: event.occurredAt,
    personId: person.id,
    regionCode: person.regionCode,
    decision: decision as ApplicationDecision | null,
    decisionNote,
  };
}

/** `exchangeEvent`: the live push of the exchange's events, the subscription twin of their webhooks (issue #11). */
@Resolver()
export class ExchangeEventSubscriptionResolver {
  @Subscription(() => ExchangeEvent, {
    topics: EXCHANGE_EVENT,
    filter: async ({ payload, context }: SubscriptionHandlerData<string, object, SubscriptionContext>) =>
      (await forSubscriber(context, payload)) !== null,
    description:
      'Each exchange event from now on for the client: new and revoked certifications of persons in its rows (medical insurance), decisions on the applications it submitted.',
  })
  async exchangeEvent(@Root() eventId: string, @Ctx() ctx: SubscriptionContext): Promise<ExchangeEvent> {
    const event = await forSubscriber(ctx, eventId);
    if (!event) throw new NotFoundError('the event left the client’s reach before it was sent', 'exchangeEvent');
    // Logged before it leaves the hub, as a webhook push is.
    ctx.auditWriter.record({ personIds: [event.personId] });
    await ctx.auditWriter.flush('SUCCESS');
    return event;
  }
}
