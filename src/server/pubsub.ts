import { EventEmitter, on } from 'node:events';
import type { PubSub as TypeGraphQLPubSub } from 'type-graphql';

/**
 * The in-process PubSub behind `@Subscription` topics: one process, one
 * emitter. `@graphql-yoga/subscription` would do the same but needs Node 22.
 * An iterator handed to a subscriber stops listening as soon as it is
 * returned, even while it waits for the next event, so an abandoned
 * subscription leaves no listener behind.
 */
export class PubSub implements TypeGraphQLPubSub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per live subscription: hundreds are normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  /** Hands `payload` to every current subscriber of `topic`. */
  publish(topic: string, payload: unknown): void {
    this.emitter.emit(topic, payload);
  }

  /** The payloads published on `topic` from now on, in order. */
  subscribe(topic: string): AsyncIterableIterator<unknown> {
    // `on` yields each event's arguments as an array, and its `return` ends a pending `next` at once;
    // an async generator around it would only notice a `return` when the next event arrives.
    const events: AsyncIterator<unknown[]> = on(this.emitter, topic);
    const done = (): IteratorResult<unknown> => ({ done: true, value: undefined });
    return {
      async next() {
        const event = await events.next();
        return event.done ? done() : { done: false, value: event.value[0] };
      },
      async return() {
        await events.return?.();
        return done();
      },
      async throw(error: unknown) {
        await events.return?.();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** How many subscribers `topic` has: for tests and metrics. */
  listenerCount(topic: string): number {
    return this.emitter.listenerCount(topic);
  }
}
