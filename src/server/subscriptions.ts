import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  getVariableValues,
  GraphQLError,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  print,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { BadRequestError, CapReachedError, ErrorCode } from '../shared/errors.js';
import { log } from '../shared/log.js';
import { WITHHELD, type AccessGuard, type Caller, type OperationRequest } from './access-guard.js';
import type { HubContext, Repositories } from './context.js';
import { formatError } from './errors.js';
import type { Tarpit } from './tarpit.js';

/** The context of a subscription and of each of its events: a request's, plus the repositories its checks and records need. */
export interface SubscriptionContext extends HubContext {
  repositories: Repositories;
}

/** What the subscriptions need from the rest of the process. */
export interface SubscriptionDeps {
  /** The access guard, shared with the HTTP endpoint (with it, each agency's schema view). */
  guard: AccessGuard;
  repositories: Repositories;
  /** Holds refusals of subscribes that ignore their Retry-After (rate limits and caps) a moment before answering. */
  tarpit?: Tarpit;
}

/** Serving subscriptions, until disposed. */
export interface HubSubscriptions {
  /** Closes every WebSocket (1001 Going away) and stops accepting new ones. */
  dispose(): Promise<void>;
}

// graphql-ws wants type aliases for these two: an interface has no index signature.

/** What a client sends in `connection_init`: the HTTP headers a WebSocket cannot carry. */
type ConnectionParams = {
  /** `Bearer <access token>`, as the Authorization header. */
  authorization?: unknown;
  /** The declared purpose, as the X-Purpose header. */
  purpose?: unknown;
};

/** Who is connected, from `onConnect` on. */
type Connection = {
  caller: Caller;
  authorization: string | undefined;
  purpose: string | undefined;
  /** The live subscriptions of this connection, by what they read (see `subscriptionKey`); their count is capped. */
  live: Map<string, string>;
};

/** A subscription's context, which makes a fresh context for each event. */
interface LiveSubscription extends SubscriptionContext {
  /** A fresh context for one event; null when the token no longer authenticates (the socket is then closed). */
  forEvent(): Promise<SubscriptionContext | null>;
  /** Gives the subscription's places under the caps back; once, however the subscription ends. */
  release(): void;
}

// As an HTTP request body may be.
const MAX_MESSAGE_BYTES = 1_000_000;

const CLOSE_GRACE_MS = 1_000;

/**
 * Serves GraphQL subscriptions (graphql-ws) on the WebSocket upgrade of
 * `/graphql`, through the same access guard as the HTTP endpoint: the token
 * of `connectionParams.authorization` (refused with 4401), then for each
 * subscribe the rate limit, the document and its limits, the purpose of
 * `connectionParams.purpose`, the agency's schema view (fields and masking),
 * its row scope, and one audit entry per event delivered. Queries and
 * mutations are refused: they go over HTTP.
 *
 * Each event is executed with a context of its own, as an HTTP request is:
 * fresh loaders (no cache outlives the event), today's row scope, and the
 * token checked again, so a revoked token or disabled client stops receiving.
 */
export function attachSubscriptions(httpServer: http.Server, deps: SubscriptionDeps): HubSubscriptions {
  const caps = new SubscriptionCaps();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const server = useServer<ConnectionParams, Connection>(
    {
      // Internal error messages never reach a close reason.
      isProd: true,
      async onConnect(ctx) {
        const { authorization, purpose } = ctx.connectionParams ?? {};
        const token = typeof authorization === 'string' ? authorization : undefined;
        const caller = await deps.guard.authenticate(token, ctx.extra.request.socket.remoteAddress);
        if (!caller) {
          // 4401 rather than graphql-ws's 4403 for `false`: the client should get a new token, not give up.
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        ctx.extra.caller = caller;
        ctx.extra.authorization = token;
        ctx.extra.purpose = typeof purpose === 'string' ? purpose : undefined;
        ctx.extra.live = new Map();
        return true;
      },
      async onSubscribe(ctx, id, payload) {
        const connection = ctx.extra as Connection;
        const { caller, authorization, purpose } = connection;
        // The guard's steps 2–3 (view, rate, document, limits, operation type, purpose); a purpose refusal is audited there.
        const admission = await deps.guard.admit(caller, purpose, payload as OperationRequest, 'ws');
        if (!('schema' in admission)) {
          if (admission.status === 429) await deps.tarpit?.hold(Number(admission.error.extensions.retryAfter));
          return [admission.error];
        }
        const { schema, operation, fields } = admission;
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], admission.variables);
        if (coerced.errors) return coerced.errors.map((error) => requestError(error, ErrorCode.BAD_USER_INPUT));
        const contextFor = (): SubscriptionContext => ({ ...deps.guard.context(admission), repositories: deps.repositories });
        const key = subscriptionKey(operation, fields, coerced.coerced, purpose);
        const live: LiveSubscription = {
          ...contextFor(),
          release: () => {},
          async forEvent() {
            // HTTP checks the token on every request; a subscription, on every event.
            if (await deps.guard.authenticate(authorization, caller.address)) return contextFor();
            ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
            return null;
          },
        };
        // Checked and taken in one step, with no await in between: concurrent subscribes cannot overrun a cap.
        const refusal = caps.take(connection, key, id);
        if (refusal) {
          // Audited as a tally per client and minute: a loop of refused subscribes writes a bounded number of entries.
          await deps.guard.noteRefusedSubscribe(caller, refusal.audited);
          // A subscribe past a cap is answered after a moment: a loop of them cannot spin.
          if (refusal.error.extensions.code === ErrorCode.QUOTA_EXCEEDED) await deps.tarpit?.hold(1);
          return [refusal.error];
        }
        live.release = once(() => caps.give(connection, key));
        return {
          schema,
          document: admission.document,
          operationName: admission.operationName,
          variableValues: admission.variables,
          contextValue: live,
        };
      },
      subscribe: subscribeEventByEvent,
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return;
        const { errors, ...rest } = result;
        return { ...rest, errors: errors.map(formatted) } as FormattedExecutionResult;
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map(formatted);
      },
    },
    wss,
  );

  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);

  return {
    async dispose() {
      httpServer.off('upgrade', onUpgrade);
      // graphql-ws closes each socket (1001) and waits for its peer's answer, which ws allows 30 s: a dead peer gets 1 s.
      const cut = setTimeout(() => wss.clients.forEach((socket) => socket.terminate()), CLOSE_GRACE_MS);
      try {
        await server.dispose();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

/**
 * graphql-js's `subscribe`, but each event is executed with a context of its
 * own (`forEvent`) and ends with its audit entry, as the access plugin ends an
 * HTTP operation; an event whose entry cannot be written is withheld. The
 * iterator returns its source at once when returned, so a completed
 * subscription stops listening even while no event comes.
 */
async function subscribeEventByEvent(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void> | ExecutionResult> {
  const live = args.contextValue as LiveSubscription;
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) {
    live.release();
    // Refused before any event (a failing subscribe resolver): no data went out, but the attempt is logged.
    return (await audited(live, 'FAILED', stream.errors?.[0])) ? stream : { errors: [WITHHELD] };
  }
  const source = stream[Symbol.asyncIterator]();

  async function deliver(payload: unknown): Promise<ExecutionResult | null> {
    const context = await live.forEvent();
    if (!context) return null;
    const result = await execute({ ...args, rootValue: payload, contextValue: context });
    const error = result.errors?.[0];
    return (await audited(context, error ? 'FAILED' : 'SUCCESS', error)) ? result : { errors: [WITHHELD] };
  }

  const finish = async (): Promise<IteratorReturnResult<void>> => {
    live.release();
    await source.return?.();
    return { done: true, value: undefined };
  };
  const events: AsyncGenerator<ExecutionResult, void> = {
    async next() {
      try {
        const event = await source.next();
        const result = event.done ? null : await deliver(event.value);
        return result ? { done: false, value: result } : await finish();
      } catch (error) {
        await finish();
        throw error;
      }
    },
    return: finish,
    async throw(error: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return events;
    },
  };
  return events;
}

/** Writes the context's audit entry; false (and a warning) when it cannot be written. */
async function audited(context: HubContext, outcome: 'SUCCESS' | 'DENIED' | 'FAILED', error?: GraphQLError): Promise<boolean> {
  try {
    await context.auditWriter.flush(outcome, error?.message ?? null);
    return true;
  } catch (failure) {
    log.warn(`audit entry not written, data withheld: ${failure instanceof Error ? failure.message : String(failure)}`);
    return false;
  }
}

/** An error about the client's request, coded as Apollo codes it over HTTP. */
function requestError(error: GraphQLError, code: ErrorCode): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
}

/** As HTTP formats errors; the `http` status hint of a refusal means nothing on a WebSocket. */
function formatted(error: GraphQLError): GraphQLFormattedError {
  if (error === WITHHELD) return error.toJSON();
  const json = error.toJSON();
  const { http: _http, ...extensions } = json.extensions ?? {};
  return formatError({ ...json, extensions }, error);
}

/**
 * What a subscription reads, whatever its spelling: its root fields with
 * their arguments, the field coordinates it selects, its variables and the
 * declared purpose. Two subscriptions with one key would deliver the same
 * data twice for every event (and log the access twice): aliases, order and
 * `__typename` do not make them different.
 */
function subscriptionKey(
  operation: OperationDefinitionNode,
  fields: readonly string[],
  variables: Record<string, unknown>,
  purpose: string | undefined,
): string {
  const roots = operation.selectionSet.selections
    .map((selection) => (selection.kind === 'Field' ? `${selection.name.value}(${(selection.arguments ?? []).map(print).join(',')})` : '…'))
    .sort();
  const json = JSON.stringify([roots, [...fields].sort(), canonical(variables), purpose ?? null]);
  return createHash('sha256').update(json).digest('hex');
}

/** A value with its object keys sorted, so that equal variables give equal JSON. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** A function that runs its body the first time it is called only. */
function once(body: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    body();
  };
}

/**
 * The caps on live subscriptions (the client's limits, limits-policy.ts): per connection, and per
 * client over all its connections to this process (each hub process counts
 * its own: with N processes a client may hold N times as many). A second
 * subscription reading the same as a live one on the same connection is
 * refused: it would only repeat every event and its audit entry.
 */
class SubscriptionCaps {
  private readonly perClient = new Map<string, number>();

  /**
   * Takes a place for subscription `id`, or says why not: the error to
   * answer, and the reason to audit (the same words, without the client's
   * own subscription ids, so that a tally counts one reason as one).
   */
  take(connection: Connection, key: string, id: string): { error: GraphQLError; audited: string } | null {
    const { clientId } = connection.caller.principal;
    const { limits } = connection.caller;
    const twin = connection.live.get(key);
    if (twin !== undefined)
      return {
        error: new BadRequestError(`subscription ${twin} on this connection already receives the same events and fields`),
        audited: 'a subscription on this connection already receives the same events and fields',
      };
    const capped = (quota: 'subscriptionsPerConnection' | 'subscriptionsPerClient') => {
      const error = new CapReachedError(quota, limits[quota]);
      return { error, audited: error.message };
    };
    if (connection.live.size >= limits.subscriptionsPerConnection) return capped('subscriptionsPerConnection');
    const held = this.perClient.get(clientId) ?? 0;
    if (held >= limits.subscriptionsPerClient) return capped('subscriptionsPerClient');
    connection.live.set(key, id);
    this.perClient.set(clientId, held + 1);
    return null;
  }

  /** Gives back the place of the subscription of `key`. */
  give(connection: Connection, key: string): void {
    connection.live.delete(key);
    const { clientId } = connection.caller.principal;
    const held = (this.perClient.get(clientId) ?? 1) - 1;
    if (held > 0) this.perClient.set(clientId, held);
    else this.perClient.delete(clientId);
  }

  /** Live subscriptions of a client in this process: for tests and metrics. */
  heldBy(clientId: string): number {
    return this.perClient.get(clientId) ?? 0;
  }
}
