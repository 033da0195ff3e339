/**
 * The public URL Twilio used to reach us, for signatures (Twilio's webhook security docs) and for building the `<Stream url>`.
 * Behind a TLS-terminating proxy the request reaches Node as `http://10.x:PORT/…`, so the public base comes from
 * the configured `PUBLIC_URL` when set, else from the forwarding headers.
 */

/** The slice of a request these functions need (Fastify's `request` and Node's `IncomingMessage` fit). */
export interface RequestLike {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Path and query as received, e.g. `/twiml/start?x=1`. */
  url: string;
}

export class PublicUrlError extends Error {
  override name = 'PublicUrlError';
}

const WEB_SCHEME: Readonly<Record<string, 'http' | 'https'>> = { http: 'http', https: 'https', ws: 'http', wss: 'https' };

// Host names, IPv4 and bracketed IPv6, with an optional port: nothing that could smuggle a path or user info.
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * `https://host` (or `http://host`) that Twilio used: `publicUrl` when given, else `X-Forwarded-Proto` /
 * `X-Forwarded-Host` / `Host` (first value of comma lists; `wss`/`ws` count as `https`/`http`). Without `X-Forwarded-Proto` the scheme is `http`,
 * because the request then reached this plain-HTTP server directly. A path in `publicUrl` is kept as a prefix.
 */
export function publicBaseUrl(req: Pick<RequestLike, 'headers'>, publicUrl?: string): string {
  if (publicUrl !== undefined && publicUrl !== '') return configuredBase(publicUrl);
  const forwarded = (firstHeaderValue(req.headers, 'x-forwarded-proto') ?? 'http').toLowerCase();
  // Some proxies name the WebSocket scheme on an upgrade; Twilio signed the https/http form of the same URL's host.
  const proto = WEB_SCHEME[forwarded];
  if (proto === undefined) throw new PublicUrlError(`X-Forwarded-Proto must be http, https, ws or wss, got ${JSON.stringify(forwarded)}`);
  const host = firstHeaderValue(req.headers, 'x-forwarded-host') ?? firstHeaderValue(req.headers, 'host');
  if (host === undefined) throw new PublicUrlError('cannot tell the public URL: no PUBLIC_URL, X-Forwarded-Host or Host header');
  if (!HOST.test(host)) throw new PublicUrlError(`not a valid host: ${JSON.stringify(host.slice(0, 100))}`);
  return `${proto}://${host}`;
}

/** The full public URL of this request, path and query included, exactly as Twilio signed it. */
export function publicHttpUrl(req: RequestLike, publicUrl?: string): string {
  return publicBaseUrl(req, publicUrl) + ensureLeadingSlash(req.url);
}

/** `wss://host/path` for the `<Stream url>` (`ws://` when the public base is plain http, for local tests). */
export function publicWsUrl(path: string, req: Pick<RequestLike, 'headers'>, publicUrl?: string): string {
  const base = publicBaseUrl(req, publicUrl);
  return base.replace(/^http/, 'ws') + ensureLeadingSlash(path);
}

/** The first value of a header, also from a comma-separated list or a repeated header; undefined when blank. */
export function firstHeaderValue(headers: RequestLike['headers'], name: string): string | undefined {
  const raw = headers[name];
  const joined = typeof raw === 'string' ? raw : raw?.[0];
  const first = joined?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

function configuredBase(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new PublicUrlError(`PUBLIC_URL is not an absolute URL: ${JSON.stringify(publicUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PublicUrlError(`PUBLIC_URL must be http(s), got ${url.protocol}//`);
  if (url.search !== '' || url.hash !== '') throw new PublicUrlError('PUBLIC_URL must not have a query string or fragment');
  // `URL.host` drops a default port (`:443` on https), matching the port-less form Twilio signs.
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function ensureLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
