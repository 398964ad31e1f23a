import { Ctx, Resolver, Root, Subscription, type SubscriptionHandlerData } from 'type-graphql';
import { alertScope, personScope } from '../../auth/row-scope.js';
import { ALERT_RAISED } from '../../server/alert-feed.js';
import type { SubscriptionContext } from '../../server/subscriptions.js';
import { today } from '../../shared/dates.js';
import { NotFoundError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { Alert } from './alert.type.js';

/**
 * The alert when it is within the subscriber's reach: it targets the
 * subscriber's agency and its person is within the subscriber's rows. Read
 * from the database for each event, with the row scope as of that day: a
 * subscription outlives days, and persons move.
 */
function withinReach(ctx: SubscriptionContext, alertId: string) {
  return ctx.repositories.alerts.findOne({ AND: [alertScope(ctx.principal, personScope(ctx.principal, today())), { id: alertId }] });
}

/** `alertRaised`: the live push of high-cost alerts to their target agencies (domain.md §5.3). */
@Resolver()
export class AlertSubscriptionResolver {
  @Subscription(() => Alert, {
    topics: ALERT_RAISED,
    filter: async ({ payload, context }: SubscriptionHandlerData<string, object, SubscriptionContext>) =>
      (await withinReach(context, payload)) !== null,
    description: 'Each alert raised from now on that targets the client’s agency, for persons within its rows.',
  })
  async alertRaised(@Root() alertId: string, @Ctx() ctx: SubscriptionContext): Promise<Alert> {
    // Read again with this event's context: the filter ran on the subscription's.
    const alert = await withinReach(ctx, alertId);
    if (!alert) throw new NotFoundError('the alert left the client’s reach before it was sent', 'alertRaised');
    ctx.auditWriter.record({ personIds: [alert.personId] });
    // The entry is written before the alert leaves the hub (an access that cannot be logged does not happen),
    // and before the delivery is recorded: no alert counts as delivered whose access went unlogged.
    await ctx.auditWriter.flush('SUCCESS');
    try {
      await ctx.repositories.alerts.recordDelivery(alert.id, ctx.principal.agency, ctx.principal.clientId, 'SUBSCRIPTION');
    } catch (error) {
      // Bookkeeping only: the subscriber still gets the alert, which stays RAISED for the other channels.
      log.warn(
        `delivery of alert ${alert.id} to ${ctx.principal.clientId} not recorded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return alert;
  }
}
