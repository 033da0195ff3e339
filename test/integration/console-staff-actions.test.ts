import { afterEach, describe, expect, it } from 'vitest';
import type { SimCall } from '../../sim/twilio-caller.js';
import { loadContractExample } from '../../sim/main-app.js';
import { ORG_ID, type Harness } from '../helpers/bridge-harness.js';
import { BEARER, EventReader, postJson, startBrowserCall, startConsoleHarness } from '../helpers/console.js';
import { orderingModel, staffNotes } from '../helpers/console-script.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
let browser: SimCall | undefined;
afterEach(async () => {
  if (browser?.isOpen) await browser.hangUp();
  await h?.close();
  h = undefined;
  browser = undefined;
});

const whisper = (callSid: string, body: unknown, headers = BEARER) => postJson(h!, `/console/calls/${callSid}/whisper`, body, headers);
const takeOver = (callSid: string) => postJson(h!, `/console/calls/${callSid}/take-over`, {});
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

describe('POST /console/calls/:callSid/whisper', () => {
  it('202: the agent gets the note as a staff message (never as the caller), and it is logged as a staff action', async () => {
    h = await startConsoleHarness({ model: orderingModel() });
    const call = await h.call({ callSid: 'CAwhisper' });
    const session = await h.model.nextSession();
    await call.waitForAudio(20, 5000);
    const note = 'The oven is backed up: quote 45 minutes.';
    const res = await whisper('CAwhisper', { text: `  ${note}  ` });
    expect(res.status).toBe(202);
    await waitForCondition(() => staffNotes(session).length === 1, 5000, 'the staff note at the model');
    expect(staffNotes(session)[0]).toContain(note);
    const asCaller = session.received.filter((e) => e.type === 'conversation.item.create' && (e.item as { role?: string }).role === 'user');
    expect(JSON.stringify(asCaller)).not.toContain('oven');
    expect(await waitForLog(h, (l) => l.msg === 'staff action')).toMatchObject({ staffAction: 'whisper', callSid: 'CAwhisper', chars: note.length });
  });

  it('400 for empty text, more than 500 characters, or no text; 500 characters is fine', async () => {
    h = await startConsoleHarness();
    await h.call({ callSid: 'CAlimits' });
    await waitForCondition(() => h!.bridge.deps.calls.size === 1);
    for (const body of [{ text: '' }, { text: '   ' }, { text: 'x'.repeat(501) }, {}, { text: 42 }, 'just text']) {
      const res = await whisper('CAlimits', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(res)).toMatch(/text|body/);
    }
    expect((await whisper('CAlimits', { text: 'é'.repeat(500) })).status).toBe(202);
  });

  it('404 for no such live call', async () => {
    h = await startConsoleHarness();
    const res = await whisper('CAnobody', { text: 'hello' });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toBe('no such live call');
  });
});

describe('POST /console/calls/:callSid/take-over', () => {
  it('202: the caller is transferred to staff as with keypad 0 (announcement, then <Dial> over REST)', async () => {
    h = await startConsoleHarness({ twilioRest: true, model: orderingModel() });
    const events = await EventReader.open(h);
    const call = await h.call({ callSid: 'CAtakeover' });
    await call.waitForAudio(20, 5000);
    const res = await takeOver('CAtakeover');
    expect(res.status).toBe(202);
    const update = await h.twilioRest!.waitForRequest((r) => r.params.Twiml !== undefined, 8000);
    expect(update.callSid).toBe('CAtakeover');
    expect(update.params.Twiml).toMatch(/<Dial[^>]*>\+15005550006<\/Dial>/);
    expect(await waitForLog(h, (l) => l.msg === 'staff action')).toMatchObject({ staffAction: 'take-over', callSid: 'CAtakeover' });
    expect((await events.waitFor((e) => e.event === 'call.ended', 'call.ended')).data).toEqual({ callSid: 'CAtakeover', reason: 'transferred' });
    events.close();
    expect((await takeOver('CAtakeover')).status).toBe(404);
  });

  it('409 when the org has no transfer number', async () => {
    const org = { ...(loadContractExample('org-config.example.json') as Record<string, unknown>), transferNumber: null };
    h = await startConsoleHarness({ twilioRest: true, model: orderingModel(), mainApp: { orgs: { [ORG_ID]: org } } });
    const call = await h.call({ callSid: 'CAnonumber' });
    await call.waitForAudio(20, 5000);
    const res = await takeOver('CAnonumber');
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatch(/no transfer number/);
    expect(h.twilioRest!.requests.filter((r) => r.params.Twiml !== undefined)).toEqual([]);
  });

  it('409 when the call cannot be transferred: no Twilio call control, or a browser call', async () => {
    h = await startConsoleHarness({ model: orderingModel() });
    const call = await h.call({ callSid: 'CAnocontrol' });
    await call.waitForAudio(20, 5000);
    const phone = await takeOver('CAnocontrol');
    expect(phone.status).toBe(409);
    expect(await errorOf(phone)).toMatch(/cannot be transferred/);

    browser = await startBrowserCall(h);
    await browser.waitForAudio(20, 5000);
    const browserSid = h.bridge.deps.calls.all().find((c) => c.context.channel === 'browser')!.context.callSid;
    const refused = await takeOver(browserSid);
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toBe('a browser call has no phone line to transfer');
    expect(h.bridge.deps.calls.size).toBe(2);
  });

  it('404 for no such live call', async () => {
    h = await startConsoleHarness();
    expect((await takeOver('CAnobody')).status).toBe(404);
  });
});
