import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/logger.js';
import { Outbox } from '../../../src/main-app/outbox.js';
import type { SmsConfirmation } from '../../../src/sms/confirmation.js';
import { createSmsSender, SMS_MAX_AGE_MS, type SmsOutcome, type SmsSender } from '../../../src/sms/sms-sender.js';
import type { MessageLookupResult, MessageSendResult, OutgoingMessage } from '../../../src/twilio/message-answers.js';
import { driveUntil } from '../main-app/drive-clock.js';

/**
 * Twilio's Messages API, scripted: `down` answers before anything is queued (429), `error` a 5xx that created
 * nothing, `lost` creates the message and loses the answer, `refuse` a 21610.
 */
type Step = 'down' | 'error' | 'lost' | 'refuse' | 'ok';

class FakeTwilio {
  readonly created: OutgoingMessage[] = [];
  readonly script: Step[] = [];
  readonly lookups: Array<'down' | 'ok'> = [];
  sends = 0;
  finds = 0;
  sendMessage = async (message: OutgoingMessage): Promise<MessageSendResult> => {
    this.sends++;
    const step = this.script.shift() ?? 'ok';
    if (step === 'down') return { kind: 'retryable', reason: 'HTTP 429, Twilio code 20429', maybeSent: false };
    if (step === 'error') return { kind: 'retryable', reason: 'HTTP 500, Twilio code 20500', maybeSent: true };
    if (step === 'refuse') return { kind: 'refused', httpStatus: 400, twilioCode: 21610 };
    this.created.push(message);
    return step === 'lost' ? { kind: 'retryable', reason: 'timed out after 5000 ms', maybeSent: true } : { kind: 'sent', sid: `SM${this.created.length}` };
  };
  findMessage = async (message: OutgoingMessage): Promise<MessageLookupResult> => {
    this.finds++;
    if (this.lookups.shift() === 'down') return { kind: 'retryable', reason: 'HTTP 503, Twilio code 20503' };
    const index = this.created.findIndex((m) => m.to === message.to && m.from === message.from && m.body === message.body);
    return index < 0 ? { kind: 'absent' } : { kind: 'found', sid: `SM${index + 1}`, status: 'delivered' };
  };
}

const START = new Date('2026-12-03T23:03:00Z');
const confirmation = (key = 'CA0123456789abcdef0123456789abcdef:order:1:sms'): SmsConfirmation => ({
  key,
  orgId: 'org_luigis',
  orderId: 'ord_42',
  to: '+15551230000',
  from: '+15005550006',
  body: "Luigi's Pizzeria: order ord_42 confirmed. 1 x Cola. Total $2.50.",
  createdAt: START.toISOString(),
});

let dir: string;
let senders: SmsSender[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sms-'));
});
afterEach(async () => {
  senders.forEach((s) => s.stop());
  senders = [];
  await rm(dir, { recursive: true, force: true });
});

const files = async () => (await readdir(dir)).filter((n) => n.endsWith('.json'));

function makeSender(twilio: FakeTwilio, clock = new ManualClock(START), lines: string[] = []) {
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const outcomes: SmsOutcome[] = [];
  const sender = createSmsSender({ twilio, outbox: new Outbox(dir, logger), clock, logger, random: () => 0.5, retry: { maxAttempts: Infinity, baseDelayMs: 1_000, maxDelayMs: 4_000 }, onOutcome: (o) => outcomes.push(o) });
  senders.push(sender);
  return { sender, clock, outcomes };
}

/** A text the first process stored and tried once (answered with `step`) before it stopped. */
async function leftByAStoppedProcess(twilio: FakeTwilio, step: Step): Promise<void> {
  twilio.script.push(step);
  const first = makeSender(twilio);
  await first.sender.start();
  await first.sender.send(confirmation());
  await vi.waitFor(() => expect(twilio.sends).toBe(1));
  first.sender.stop();
}

describe('SMS confirmations through the outbox', () => {
  it('stores the text before the first attempt, sends it once, and removes it once Twilio has it', async () => {
    const twilio = new FakeTwilio();
    twilio.script.push('lost');
    const { sender, clock, outcomes } = makeSender(twilio);
    await sender.start();
    let storedBeforeSending = false;
    const send = twilio.sendMessage;
    twilio.sendMessage = async (m) => {
      storedBeforeSending = (await files()).length === 1;
      return send(m);
    };
    expect(await sender.send(confirmation())).toBe('stored');
    expect(await files()).toEqual(['CA0123456789abcdef0123456789abcdef%3Aorder%3A1%3Asms.sms.json']);
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    expect(storedBeforeSending).toBe(true);
    // The answer was lost after Twilio created the message: the retry found it and sent nothing.
    expect(twilio.created).toHaveLength(1);
    expect(twilio.sends).toBe(1);
    expect(outcomes).toEqual([{ result: 'sent', reason: 'accepted' }]);
    expect(await files()).toEqual([]);
  });

  it('a first attempt sends at once without a lookup', async () => {
    const twilio = new FakeTwilio();
    const { sender } = makeSender(twilio);
    await sender.start();
    await sender.send(confirmation());
    await vi.waitFor(() => expect(sender.pendingCount()).toBe(0));
    expect([twilio.finds, twilio.sends, twilio.created.length]).toEqual([0, 1, 1]);
  });

  it('after 5xx answers that created nothing, looks each time and still sends exactly one text', async () => {
    const twilio = new FakeTwilio();
    twilio.script.push('error', 'error', 'error');
    const { sender, clock, outcomes } = makeSender(twilio);
    await sender.start();
    await sender.send(confirmation());
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    expect(twilio.created).toHaveLength(1);
    expect([twilio.sends, twilio.finds]).toEqual([4, 3]);
    expect(outcomes).toEqual([{ result: 'sent', reason: 'accepted' }]);
  });

  it('after an answer proving nothing was queued (429), retries without a lookup', async () => {
    const twilio = new FakeTwilio();
    twilio.script.push('down', 'down');
    const { sender, clock } = makeSender(twilio);
    await sender.start();
    await sender.send(confirmation());
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    expect([twilio.sends, twilio.finds, twilio.created.length]).toEqual([3, 0, 1]);
  });

  it('never sends while the lookup cannot answer', async () => {
    const twilio = new FakeTwilio();
    twilio.script.push('error');
    twilio.lookups.push('down', 'down');
    const { sender, clock } = makeSender(twilio);
    await sender.start();
    await sender.send(confirmation());
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    expect([twilio.sends, twilio.finds, twilio.created.length]).toEqual([2, 3, 1]);
  });

  it('a refusal (21610) is logged and counted, never retried, and nothing is kept', async () => {
    const twilio = new FakeTwilio();
    twilio.script.push('refuse');
    const lines: string[] = [];
    const { sender, clock, outcomes } = makeSender(twilio, new ManualClock(START), lines);
    await sender.start();
    await sender.send(confirmation());
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    clock.advance(60_000);
    expect(twilio.sends).toBe(1);
    expect(outcomes).toEqual([{ result: 'failed', reason: 'twilio_21610' }]);
    expect(lines.find((l) => l.includes('Twilio refused the sms confirmation'))).toContain('"twilioCode":21610');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a text left by a stopped process is looked for first, then sent once by the next one', async () => {
    const twilio = new FakeTwilio();
    await leftByAStoppedProcess(twilio, 'error');
    const second = makeSender(twilio);
    expect(await second.sender.start()).toBe(1);
    await vi.waitFor(() => expect(second.sender.pendingCount()).toBe(0));
    expect([twilio.finds, twilio.sends, twilio.created.length]).toEqual([1, 2, 1]);
    expect(await files()).toEqual([]);
  });

  it('a text the stopped process did get to Twilio is not sent again after the restart', async () => {
    const twilio = new FakeTwilio();
    await leftByAStoppedProcess(twilio, 'lost');
    const second = makeSender(twilio);
    await second.sender.start();
    await vi.waitFor(() => expect(second.sender.pendingCount()).toBe(0));
    expect([twilio.sends, twilio.created.length]).toEqual([1, 1]);
    expect(second.outcomes).toEqual([{ result: 'sent', reason: 'accepted' }]);
  });

  it('a text not sent within its time is dropped, not sent late', async () => {
    const twilio = new FakeTwilio();
    await leftByAStoppedProcess(twilio, 'down');
    const later = makeSender(twilio, new ManualClock(new Date(START.getTime() + SMS_MAX_AGE_MS + 1)));
    await later.sender.start();
    await vi.waitFor(() => expect(later.sender.pendingCount()).toBe(0));
    expect([twilio.sends, twilio.finds, twilio.created.length]).toEqual([1, 0, 0]);
    expect(later.outcomes).toEqual([{ result: 'failed', reason: 'expired' }]);
    expect(await files()).toEqual([]);
  });

  it("counts a skipped order; logs never hold the caller's whole number or the text", async () => {
    const twilio = new FakeTwilio();
    twilio.script.push('refuse');
    const lines: string[] = [];
    const { sender, clock, outcomes } = makeSender(twilio, new ManualClock(START), lines);
    await sender.start();
    sender.skip('caller_id_withheld', 'CA1:order:1');
    await sender.send(confirmation());
    await driveUntil(clock, () => sender.pendingCount() === 0, 500);
    expect(outcomes[0]).toEqual({ result: 'skipped', reason: 'caller_id_withheld' });
    const log = lines.join('');
    expect(log).toContain('+*******0000');
    expect(log).not.toContain('+15551230000');
    expect(log).not.toContain('confirmed. 1 x Cola');
  });
});
