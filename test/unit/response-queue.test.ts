import { describe, expect, it } from 'vitest';
import { ResponseQueue } from '../../src/call/response-queue.js';

describe('ResponseQueue', () => {
  it('sends at once when idle and queues while a response is requested or active', () => {
    const q = new ResponseQueue();
    expect(q.request({ purpose: 'greeting' })?.purpose).toBe('greeting');
    expect(q.request({ purpose: 'tool-followup' })).toBeUndefined();
    q.started('resp_1', 'greeting');
    expect(q.activeResponseId).toBe('resp_1');
    expect(q.done('resp_1', 'completed').next?.purpose).toBe('tool-followup');
    expect(q.busy).toBe(true);
  });

  it('counts a server-started response as active', () => {
    const q = new ResponseQueue();
    q.started('resp_vad', undefined);
    expect(q.busy).toBe(true);
    expect(q.request({ purpose: 'keypad' })).toBeUndefined();
    expect(q.done('resp_vad', 'completed').next?.purpose).toBe('keypad');
  });

  it('ignores the end of another response', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'greeting' });
    q.started('resp_1', 'greeting');
    q.request({ purpose: 'keypad' });
    expect(q.done('resp_other', 'completed').next).toBeUndefined();
    expect(q.activeResponseId).toBe('resp_1');
  });

  it('de-duplicates queued requests by purpose', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'greeting' });
    q.request({ purpose: 'keypad' });
    q.request({ purpose: 'keypad' });
    q.started('r1', 'greeting');
    expect(q.done('r1', 'completed').next?.purpose).toBe('keypad');
    q.started('r2', 'keypad');
    expect(q.done('r2', 'completed').next).toBeUndefined();
    expect(q.busy).toBe(false);
  });

  it('re-queues a request the model refused and sends it after the running response', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'tool-followup' });
    q.started('resp_vad', undefined); // the model's own response won the race
    q.refused('tool-followup');
    expect(q.done('resp_vad', 'completed').next?.purpose).toBe('tool-followup');
  });

  it('drops the greeting when the caller spoke first and the model already answered', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'greeting', dropIfPreempted: true });
    q.started('resp_vad', undefined);
    q.refused('greeting');
    expect(q.done('resp_vad', 'completed').next).toBeUndefined();
    expect(q.busy).toBe(false);
  });

  it('keeps unsent requests across a reset: they follow the first response on the new session', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'greeting' });
    q.started('r1', 'greeting');
    q.request({ purpose: 'keypad' });
    q.reset();
    expect(q.busy).toBe(false);
    expect(q.request({ purpose: 'resume' })?.purpose).toBe('resume');
    q.started('r2', 'resume');
    expect(q.done('r2', 'completed').next?.purpose).toBe('keypad');
  });

  it('never takes a response the model started by itself for ours, nor wakes our waiter for it', async () => {
    const q = new ResponseQueue();
    const goodbye = q.whenDone('goodbye');
    let settled = false;
    void goodbye.then(() => (settled = true));
    expect(q.request({ purpose: 'goodbye' })?.purpose).toBe('goodbye');
    q.started('resp_vad', undefined);
    expect(q.done('resp_vad', 'completed').next).toBeUndefined();
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(q.busy).toBe(true); // ours is still on its way: it will start or be refused
    q.started('r1', 'goodbye');
    q.done('r1', 'completed');
    await expect(goodbye).resolves.toBe('completed');
    expect(q.busy).toBe(false);
  });

  it('sends a refused request again at once when the response that blocked it already ended', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'reprompt' });
    q.started('resp_vad', undefined);
    q.done('resp_vad', 'completed');
    expect(q.refused('reprompt')?.purpose).toBe('reprompt');
  });

  it('ignores a refusal that is not of the request in flight', () => {
    const q = new ResponseQueue();
    q.request({ purpose: 'reprompt' });
    expect(q.refused('greeting')).toBeUndefined();
    expect(q.busy).toBe(true);
  });

  it('tells whoever waits on a purpose how its response ended', async () => {
    const q = new ResponseQueue();
    const goodbye = q.whenDone('goodbye');
    q.request({ purpose: 'goodbye' });
    q.started('r1', 'goodbye');
    q.done('r1', 'failed');
    await expect(goodbye).resolves.toBe('failed');
  });
});
