import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { BadUserInputError } from '../../shared/errors.js';
import { classifyAddress, type AddressClass } from './webhook.address.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses (the system resolver by default; tests give a fake DNS). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

/** A webhook URL whose host was resolved and checked: the POST goes to `address` and nowhere else. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: number;
}

/** Why a webhook URL may not be reached: the class of its address, or a name that does not resolve. */
export class TargetRefused extends Error {
  constructor(
    readonly reason: Exclude<AddressClass, 'public'> | 'unresolvable',
    readonly host: string,
  ) {
    super(reason === 'unresolvable' ? `${host} does not resolve` : `${host} resolves to a ${reason} address`);
  }
}

/** Options of {@link WebhookTargets}. */
export interface WebhookTargetOptions {
  /** Allow loopback, private and other internal targets (HUB_WEBHOOK_ALLOW_PRIVATE=1: development and tests). Default false. */
  allowPrivate?: boolean;
  /** The resolver; default the system's (`dns.lookup`, all addresses). */
  resolve?: Resolve;
}

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Where webhooks may point: absolute http(s) URLs without credentials whose
 * host — an IP address in any notation, or a name and every address it
 * resolves to — is public. Checked at registration and again before every
 * POST, and the POST connects to the very address that was checked (DNS
 * answers in between cannot move it to an internal one).
 */
export class WebhookTargets {
  readonly allowPrivate: boolean;
  private readonly resolve: Resolve;

  constructor(options: WebhookTargetOptions = {}) {
    this.allowPrivate = options.allowPrivate ?? false;
    this.resolve = options.resolve ?? systemResolve;
  }

  /**
   * The URL, normalised, when its form is acceptable; BAD_USER_INPUT on `url`
   * otherwise. WHATWG parsing already turns every IPv4 notation (2130706433,
   * 0x7f000001, 0177.0.0.1, 127.1) into dotted decimal.
   */
  parse(value: string): URL {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BadUserInputError('url is not an absolute URL', 'url');
    }
    if (!['http:', 'https:'].includes(url.protocol) || value.length > 500)
      throw new BadUserInputError('url must be http(s), up to 500 characters', 'url');
    if (url.username || url.password) throw new BadUserInputError('url must not carry credentials', 'url');
    return url;
  }

  /** Resolves the URL's host once and checks every address; throws {@link TargetRefused}. */
  async check(url: URL): Promise<CheckedTarget> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: ResolvedAddress[];
    if (isIP(host) !== 0) {
      addresses = [{ address: host, family: isIP(host) }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch {
        throw new TargetRefused('unresolvable', host);
      }
      if (addresses.length === 0) throw new TargetRefused('unresolvable', host);
    }
    if (!this.allowPrivate) {
      // Every address, not only the first: a name with one public and one internal address is refused.
      for (const { address } of addresses) {
        const kind = classifyAddress(address);
        if (kind !== 'public') throw new TargetRefused(kind, host);
      }
    }
    const [first] = addresses;
    return { url, address: first!.address, family: first!.family };
  }

  /** Checks a URL a client registers: BAD_USER_INPUT on `url` when it is malformed or not public. */
  async checkRegistration(value: string): Promise<URL> {
    const url = this.parse(value);
    try {
      await this.check(url);
    } catch (error) {
      if (error instanceof TargetRefused) {
        throw new BadUserInputError(
          error.reason === 'unresolvable'
            ? 'url: its host does not resolve'
            : `url: its host resolves to a ${error.reason} address, which the hub does not call`,
          'url',
        );
      }
      throw error;
    }
    return url;
  }
}

/** How one POST ended: `null` for a 2xx, else the class of the failure (never what the endpoint said). */
export type PostOutcome = string | null;

const keepAlive = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * POSTs `body` to a checked target, connecting to its checked address (the
 * URL's host still goes in `Host` and in TLS's SNI and certificate check).
 * Redirects are not followed; the answer's body is never read. Resolves to
 * null for a 2xx, or to the class of the failure: `timeout`, `connection
 * refused`, `HTTP 4xx`, … (endpoints may be internal services: what they
 * answer stays with the hub).
 */
export function postToTarget(
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // net.connect asks for all addresses when it may race families (autoSelectFamily); give it only the checked one.
    if ((options as { all?: boolean }).all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const secure = target.url.protocol === 'https:';
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<PostOutcome>((resolve) => {
    const request = (secure ? https : http).request(target.url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent: secure ? keepAlive.https : keepAlive.http,
      signal,
    });
    request.once('response', (response) => {
      response.destroy();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status <= 299) resolve(null);
      else if (status >= 300 && status <= 399) resolve('HTTP 3xx (redirects are not followed)');
      else if (status >= 400 && status <= 599) resolve(`HTTP ${Math.floor(status / 100)}xx`);
      else resolve('HTTP answer not understood');
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // The socket goes too: a half-read answer must not sit in the keep-alive pool.
      request.destroy();
      resolve(signal.aborted ? 'timeout' : failureClass(error));
    });
    request.end(body);
  });
}

/** The class of a connection failure, from its code alone. */
export function failureClass(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'connection reset';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'DNS lookup failed';
  if (/CERT|TLS|SSL|EPROTO/.test(code)) return 'TLS handshake failed';
  if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_')) return 'HTTP answer not understood';
  return 'connection failed';
}
