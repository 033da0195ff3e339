/**
 * `X-Twilio-Signature` (Twilio's "Webhooks security"): base64(HMAC(secret, url + sorted name/value pairs)), HMAC-SHA1
 * with the Auth Token by default. When a Webhook Rule matches the URL, Twilio signs with that Setting's SharedKey and
 * names the algorithm in `X-Twilio-Webhooks-Signature-Settings` (`key=…,algorithm=HMAC_SHA256`); only the hash
 * changes. Computed over the *public* URL Twilio requested (see public-url.ts), never the internal one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';

/** The header naming a SharedKey signature's key and algorithm. */
export const SIGNATURE_SETTINGS_HEADER = 'x-twilio-webhooks-signature-settings';
const HASHES: Readonly<Record<string, 'sha1' | 'sha256'>> = { HMAC_SHA1: 'sha1', HMAC_SHA256: 'sha256' };

/** The algorithm an `X-Twilio-Webhooks-Signature-Settings` value names (`algorithm=…`); HMAC_SHA1 when absent. */
export function signatureAlgorithm(settingsHeader: string | undefined): string {
  for (const part of (settingsHeader ?? '').split(',')) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === 'algorithm') {
      const algorithm = part.slice(separator + 1).trim();
      if (algorithm) return algorithm;
    }
  }
  return 'HMAC_SHA1';
}

export function isSupportedAlgorithm(algorithm: string): boolean {
  return Object.hasOwn(HASHES, algorithm.toUpperCase());
}

/** Posted form fields as a body parser gives them; a repeated name arrives as an array. */
export type SignedParams = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface SignatureCheck {
  /** The Auth Token, or a SharedKey secret for HMAC_SHA256 signatures. */
  authToken: string;
  /** HMAC_SHA1 (default) or HMAC_SHA256. */
  algorithm?: string;
  /** The `X-Twilio-Signature` header as received (absent, or repeated, never validates). */
  signature: string | readonly string[] | undefined;
  /** The full public URL Twilio requested, query string included. */
  url: string;
  /** Every posted form field (not a whitelist); omit or `{}` for the WebSocket upgrade (a GET). */
  params?: SignedParams;
}

export interface SignatureResult {
  valid: boolean;
  /** The candidate URL whose signature matched, for a log line when it is not the URL as given. */
  matchedUrl?: string;
}

/** The signature Twilio would send for this URL and form body. */
export function computeTwilioSignature(authToken: string, url: string, params: SignedParams = {}, algorithm = 'HMAC_SHA1'): string {
  const hash = HASHES[algorithm.toUpperCase()];
  if (!hash) throw new Error(`unsupported webhook signature algorithm: ${algorithm}`);
  const hmac = createHmac(hash, authToken);
  hmac.update(url, 'utf8');
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      hmac.update(name + value, 'utf8');
    } else {
      // As the official library does: distinct values, sorted, each appended after the name.
      for (const each of [...new Set(value)].sort()) hmac.update(name + each, 'utf8');
    }
  }
  return hmac.digest('base64');
}

/**
 * Checks the header against every URL form Twilio may have signed: as given, with and without the port
 * (and `user:pass@`), the `new URL()` normalised form, and for `wss://`/`ws://` also with a trailing `/`.
 * The scheme is never changed: an https-signed header does not validate a wss URL, nor the reverse.
 */
export function validateTwilioSignature(check: SignatureCheck): SignatureResult {
  const { authToken, signature, url, params = {}, algorithm = 'HMAC_SHA1' } = check;
  if (typeof signature !== 'string' || signature === '' || authToken === '' || !isSupportedAlgorithm(algorithm)) return { valid: false };
  const received = Buffer.from(signature, 'utf8');
  for (const candidate of candidateUrls(url)) {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, params, algorithm), 'utf8');
    // Lengths are fixed by SHA-1, so an early length mismatch leaks nothing secret.
    if (expected.length === received.length && timingSafeEqual(expected, received)) return { valid: true, matchedUrl: candidate };
  }
  return { valid: false };
}

/**
 * The URL forms tried by `validateTwilioSignature`, as given first, without duplicates: as the `twilio` package's
 * `validateRequest` tries them (as received, `new URL()`-normalised, and that with the query string re-encoded the way
 * Node's legacy `querystring` does), each with and without the port.
 */
export function candidateUrls(url: string): string[] {
  const forms = new Set<string>();
  const normalisedUrl = normalised(url);
  for (const base of [url, normalisedUrl, normalisedUrl && withLegacyQuerystring(normalisedUrl)]) {
    if (base === undefined) continue;
    for (const variant of portAndUserInfoVariants(base)) {
      forms.add(variant);
      if (isWebSocketUrl(variant)) forms.add(withTrailingSlash(variant));
    }
  }
  return [...forms];
}

interface UrlParts {
  scheme: string;
  userInfo: string;
  host: string;
  port: string;
  rest: string;
}

// Split by hand, not with `new URL()`, so the path and query keep the exact characters Twilio signed.
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function portAndUserInfoVariants(url: string): string[] {
  const parts = splitUrl(url);
  if (!parts) return [url];
  const ports = parts.port === '' ? ['', defaultPort(parts.scheme)] : [parts.port, ''];
  const userInfos = parts.userInfo === '' ? [''] : [parts.userInfo, ''];
  return userInfos.flatMap((userInfo) => ports.map((port) => parts.scheme + userInfo + parts.host + port + parts.rest));
}

function defaultPort(scheme: string): string {
  const lower = scheme.toLowerCase();
  return lower === 'https://' || lower === 'wss://' ? ':443' : ':80';
}

function isWebSocketUrl(url: string): boolean {
  return /^wss?:\/\//i.test(url);
}

function withTrailingSlash(url: string): string {
  const queryStart = url.search(/[?#]/);
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const tail = queryStart === -1 ? '' : url.slice(queryStart);
  return path.endsWith('/') ? url : `${path}/${tail}`;
}

function normalised(url: string): string | undefined {
  try {
    return new URL(url).toString();
  } catch {
    return undefined;
  }
}

/** The query string re-encoded the way Node's legacy `querystring` module does (e.g. `%27` for `'`). */
function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${stringifyQuery(parseQuery(url.slice(queryStart + 1)))}`;
}
