/**
 * The console page in a real browser (Debian's headless Chromium, driven by playwright-core), against the real
 * bridge and the stand-in model: a browser call whose fake microphone plays a WAV, and a phone call watched and
 * taken over from the page. Every wait is on something observable (page text, WebSocket frames, requests, logs).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLA_ARGS } from '../../sim/demo-script.js';
import { silence, tone } from '../../sim/audio.js';
import { callTool, say, type ResponderContext, type ScriptedItem } from '../../sim/realtime-server.js';
import type { Harness } from '../helpers/bridge-harness.js';
import { ensureChromium, launchChromium, writeMulawAsWav } from '../helpers/chromium.js';
import { CONSOLE_TOKEN, startConsoleHarness } from '../helpers/console.js';
import { staffNotes } from '../helpers/console-script.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

const SCREENSHOT = join(import.meta.dirname, '..', '..', 'test-results', 'console.png');
const UI_TIMEOUT_MS = 30_000;
const WHISPER = 'The oven is backed up: quote 45 minutes.';

/** Long enough that the caller (talking every 3 s) always interrupts it while most of it is still queued in the page. */
const GREETING_MS = 20_000;

function model() {
  const responder = (ctx: ResponderContext): ScriptedItem[] => {
    if (ctx.trigger === 'client' && ctx.responseIndex === 0) return [say("Hello, you're through to Luigi's. Our specials today are…", GREETING_MS)];
    if (ctx.newFunctionOutputs.length > 0) return [say('One cola. Anything else?', 600)];
    if (ctx.trigger === 'client') return [say('Connecting you to our staff now.', 600)];
    if (ctx.turnIndex === 1) return [callTool('add_item', COLA_ARGS)];
    return [say('Mm-hm.', 400)];
  };
  return { responder, transcribe: ({ turnIndex }: { turnIndex: number }) => (turnIndex === 0 ? 'A cola, please.' : 'Hmm, let me think.') };
}

/** The browser call's Media Streams messages as the page sent and received them, in order. */
interface StreamLog {
  frames: Array<{ dir: 'sent' | 'received'; event: string; mark?: string }>;
}

function watchBrowserStream(page: Page): StreamLog {
  const log: StreamLog = { frames: [] };
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/ws/browser')) return;
    const record = (dir: 'sent' | 'received') => ({ payload }: { payload: string | Buffer }) => {
      const msg = JSON.parse(payload.toString()) as { event: string; mark?: { name: string } };
      log.frames.push({ dir, event: msg.event, ...(msg.mark ? { mark: msg.mark.name } : {}) });
    };
    ws.on('framesent', record('sent'));
    ws.on('framereceived', record('received'));
  });
  return log;
}

const marks = (frames: StreamLog['frames'], dir: 'sent' | 'received') => frames.filter((f) => f.dir === dir && f.event === 'mark').map((f) => f.mark!);

let h: Harness | undefined;
let browser: BrowserContext | undefined;

beforeAll(() => ensureChromium(), 600_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the operator console in a real browser', () => {
  it('calls the agent from the page, shows the live calls, whispers, and takes a phone call over', async () => {
    h = await startConsoleHarness({ twilioRest: true, model: model() });
    const wav = join(mkdtempSync(join(tmpdir(), 'console-wav-')), 'caller.wav');
    // The fake microphone loops this file: the caller says something (a speech-like tone) every 3 s.
    writeMulawAsWav(wav, Buffer.concat([silence(2000), tone(1000, 440, 8000)]));
    browser = await launchChromium(wav);
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const stream = watchBrowserStream(page);

    await page.goto(`${h.httpUrl}/console?org=org_luigis`);
    await page.locator('#token').fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#link', { hasText: 'Events: live' }).waitFor();
    await page.locator('#login').waitFor({ state: 'hidden' });

    // A browser call: the agent greets first, and the page echoes marks only as the greeting plays.
    await page.getByRole('button', { name: 'Call the agent' }).click();
    const session = await h.model.nextSession(UI_TIMEOUT_MS);
    const card = page.locator('.call.browser');
    await card.waitFor();
    await waitForCondition(() => marks(stream.frames, 'sent').length > 0, UI_TIMEOUT_MS, 'a mark echoed as the greeting played');

    // The caller talks over the greeting: the bridge clears, and the page echoes every mark still queued at once.
    await waitForCondition(() => stream.frames.some((f) => f.event === 'clear'), UI_TIMEOUT_MS, 'a clear (barge-in)');
    const atClear = stream.frames.findIndex((f) => f.event === 'clear');
    const before = stream.frames.slice(0, atClear);
    const pending = marks(before, 'received').filter((m) => !marks(before, 'sent').includes(m));
    expect(pending.length).toBeGreaterThan(0);
    await waitForCondition(() => pending.every((m) => marks(stream.frames, 'sent').includes(m)), UI_TIMEOUT_MS, 'the cleared marks echoed');
    const afterClear = stream.frames.slice(atClear + 1);
    const nextMedia = afterClear.findIndex((f) => f.dir === 'received' && f.event === 'media');
    const echoedBeforeNextAudio = marks(nextMedia < 0 ? afterClear : afterClear.slice(0, nextMedia), 'sent');
    expect(echoedBeforeNextAudio).toEqual(expect.arrayContaining(pending));
    expect(marks(stream.frames, 'sent')).toEqual(marks(stream.frames, 'received').slice(0, marks(stream.frames, 'sent').length));

    // The caller's audio reached the model (its VAD took a turn), and the transcript and cart show on the page.
    await waitForCondition(() => session.responses.some((r) => r.trigger === 'vad'), UI_TIMEOUT_MS, "a response to the caller's turn");
    expect(session.appendedBytes).toBeGreaterThan(0);
    await card.locator('.transcript li.caller', { hasText: 'A cola, please.' }).waitFor();
    await card.locator('.transcript li.agent', { hasText: "Luigi's" }).waitFor();
    await card.locator('.cart td', { hasText: 'Cola' }).waitFor();
    await page.locator('#call-stats', { hasText: /marks echoed [1-9]/ }).waitFor();

    // Whisper: the agent gets the note.
    await card.locator('.whisper input').fill(WHISPER);
    await card.getByRole('button', { name: 'Whisper' }).click();
    await card.locator('.result', { hasText: 'Whispered' }).waitFor();
    await waitForCondition(() => staffNotes(session).some((n) => n.includes(WHISPER)), UI_TIMEOUT_MS, 'the note at the model');

    // A browser call cannot be taken over: the page says why.
    await card.getByRole('button', { name: 'Take over' }).click();
    await card.locator('.result', { hasText: 'Cannot take over (409): a browser call has no phone line to transfer' }).waitFor();

    // A phone call shows up too; the screenshot shows both calls live.
    const phone = await h.call({ callSid: 'CAfromthephone' });
    const phoneCard = page.locator('.call[data-call-sid="CAfromthephone"]');
    await phoneCard.locator('.transcript li.agent').waitFor();
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Taking the phone call over transfers it to staff over Twilio REST.
    await phoneCard.getByRole('button', { name: 'Take over' }).click();
    await phoneCard.locator('.result', { hasText: 'Taking over' }).waitFor();
    const update = await h.twilioRest!.waitForRequest((r) => r.callSid === 'CAfromthephone' && r.params.Twiml !== undefined, UI_TIMEOUT_MS);
    expect(update.params.Twiml).toMatch(/<Dial[^>]*>\+15005550006<\/Dial>/);
    await phoneCard.locator('.state', { hasText: 'ended: transferred' }).waitFor();
    await phone.waitForClose(UI_TIMEOUT_MS);

    // Hanging up from the page ends the browser call (stop, then the socket closes).
    await page.getByRole('button', { name: 'Hang up' }).click();
    await page.locator('#call-status', { hasText: 'Call ended' }).waitFor();
    expect(stream.frames.some((f) => f.dir === 'sent' && f.event === 'stop')).toBe(true);
    expect(await waitForLog(h, (l) => l.msg === 'call record' && l.channel === 'browser', UI_TIMEOUT_MS)).toMatchObject({ endReason: 'caller-hung-up' });
    await card.locator('.state', { hasText: 'ended: caller-hung-up' }).waitFor();
  }, 240_000);
});
