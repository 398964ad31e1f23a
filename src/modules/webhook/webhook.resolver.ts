import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { HubContext } from '../../server/context.js';
import { DeliveryStatus, Webhook, WebhookDeliveryRecord, WebhookRegistration } from './webhook.type.js';

/** Webhooks for alert pushes: registration, removal, deliveries and their replay. */
@Resolver(() => Webhook)
export class WebhookResolver {
  @Mutation(() => WebhookRegistration, {
    description: 'Registers an endpoint for the alerts pushed to this client; the signing secret is shown once.',
  })
  registerWebhook(@Ctx() ctx: HubContext, @Arg('url', () => String) url: string): Promise<WebhookRegistration> {
    return ctx.webhooks.register(url);
  }

  @Mutation(() => Webhook, { description: 'Stops pushes to a webhook of this client.' })
  removeWebhook(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<Webhook> {
    return ctx.webhooks.remove(id);
  }

  @Query(() => [WebhookDeliveryRecord], { description: 'This client’s webhook deliveries, newest first; DEAD ones are the dead letters.' })
  webhookDeliveries(
    @Ctx() ctx: HubContext,
    @Arg('status', () => DeliveryStatus, { nullable: true }) status: DeliveryStatus | null,
    @Arg('first', () => Int, { nullable: true, description: '1–1000 (default 20).' }) first: number | null,
  ): Promise<WebhookDeliveryRecord[]> {
    return ctx.webhooks.deliveries(status ?? null, first ?? null);
  }

  @Mutation(() => WebhookDeliveryRecord, { description: 'Tries a dead delivery again from its first attempt, with the same delivery id.' })
  replayWebhookDelivery(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<WebhookDeliveryRecord> {
    return ctx.webhooks.replay(id);
  }
}
