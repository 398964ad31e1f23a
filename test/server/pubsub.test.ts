import { describe, expect, it } from 'vitest';
import { PubSub } from '../../src/server/pubsub.js';

describe('PubSub', () => {
  it('hands each payload to every subscriber of its topic, in order, and none to other topics', async () => {
    const pubSub = new PubSub();
    const first = pubSub.subscribe('a');
    const second = pubSub.subscribe('a');
    const other = pubSub.subscribe('b');
    pubSub.publish('a', 1);
    pubSub.publish('a', 2);
    expect(await Promise.all([first.next(), first.next(), second.next(), second.next()])).toEqual(
      [1, 2, 1, 2].map((value) => ({ done: false, value })),
    );
    expect(pubSub.listenerCount('b')).toBe(1);
    await other.return!();
  });

  it('stops listening when an iterator is returned while it waits for an event', async () => {
    const pubSub = new PubSub();
    const events = pubSub.subscribe('a');
    const pending = events.next();
    expect(pubSub.listenerCount('a')).toBe(1);
    await events.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(pubSub.listenerCount('a')).toBe(0);
    pubSub.publish('a', 1);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });
});
