import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { Person } from '../person/person.type.js';
import { AlertsArgs, CloseAlertArgs } from './alert.args.js';
import { Alert, AlertConnection, AlertDelivery, MonitoringRun } from './alert.type.js';

/** High-cost alerts: the list, each alert's person and deliveries, and the moves of their handling. */
@Resolver(() => Alert)
export class AlertResolver {
  @Query(() => AlertConnection, { description: 'Alerts within the client’s reach, newest first, with counts by status.' })
  alerts(@Ctx() ctx: HubContext, @Args(() => AlertsArgs) args: AlertsArgs): Promise<AlertConnection> {
    return ctx.alerts.list(args);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The person, as the client may see them.' })
  person(@Root() alert: Alert, @Ctx() ctx: HubContext) {
    return ctx.loaders.personById.load(alert.personId);
  }

  @FieldResolver(() => [AlertDelivery], { description: 'The target agencies the alert reached.' })
  deliveries(@Root() alert: Alert, @Ctx() ctx: HubContext) {
    return ctx.loaders.deliveriesByAlert.load(alert.id);
  }

  @Mutation(() => Alert, { description: 'A target agency takes the alert under review.' })
  reviewAlert(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<Alert> {
    return ctx.alerts.review(id);
  }

  @Mutation(() => Alert, { description: 'A target agency records the outcome and closes the alert.' })
  closeAlert(@Ctx() ctx: HubContext, @Args(() => CloseAlertArgs) { id, outcome, note }: CloseAlertArgs): Promise<Alert> {
    return ctx.alerts.close(id, outcome, note);
  }

  @Mutation(() => MonitoringRun, {
    description: 'Runs the monthly monitoring for the client’s jurisdiction; re-running a month raises nothing twice.',
  })
  runMonitoring(@Ctx() ctx: HubContext, @Arg('month', () => String, { description: 'YYYY-MM' }) month: string): Promise<MonitoringRun> {
    return ctx.monitoring(month);
  }
}

/** `Person.alerts`. */
@Resolver(() => Person)
export class PersonAlertsResolver {
  @FieldResolver(() => [Alert], { nullable: true, description: 'The person’s high-cost alerts within the client’s reach, newest first.' })
  alerts(@Root() person: Person, @Ctx() ctx: HubContext) {
    return ctx.loaders.alertsByPerson.load(person.id);
  }
}
