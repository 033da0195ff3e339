import type {} from '@fastify/cookie';
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasBearer, sameSecret } from '../http/bearer.js';
import { publicBaseUrl } from '../twilio/public-url.js';

/** The browser's session with the console, set by `POST /console/session`. */
export const SESSION_COOKIE = 'console_session';

/**
 * Who may use the console: `Authorization: Bearer <CONSOLE_TOKEN>`, or the session cookie, whose value is derived
 * from the token (so the token itself is never stored by the browser, and a new token ends every session).
 */
export class ConsoleAuth {
  private readonly sessionValue: string;

  constructor(
    private readonly token: string,
    private readonly publicUrl: string | undefined,
  ) {
    this.sessionValue = createHmac('sha256', token).update('voice-bridge operator console session').digest('base64url');
  }

  allows(req: FastifyRequest): boolean {
    if (hasBearer(req, this.token)) return true;
    const cookie = req.cookies[SESSION_COOKIE];
    return cookie !== undefined && sameSecret(cookie, this.sessionValue);
  }

  isToken(given: string): boolean {
    return sameSecret(given, this.token);
  }

  /** HttpOnly and SameSite=Strict always; Secure when the page was reached over https (also behind a TLS proxy). */
  startSession(req: FastifyRequest, reply: FastifyReply): void {
    reply.setCookie(SESSION_COOKIE, this.sessionValue, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.reachedOverHttps(req) });
  }

  private reachedOverHttps(req: FastifyRequest): boolean {
    try {
      return publicBaseUrl(req, this.publicUrl).startsWith('https:');
    } catch {
      // Headers we cannot read: the safe side is a cookie that only travels over https.
      return true;
    }
  }
}

const sessionBody = z.union([z.string(), z.object({ token: z.string() }).transform((b) => b.token)]);

/** The token from `POST /console/session`: the body as text, or `{"token": "…"}`. */
export function tokenFromBody(body: unknown): string | undefined {
  const parsed = sessionBody.safeParse(body);
  return parsed.success ? parsed.data.trim() : undefined;
}
