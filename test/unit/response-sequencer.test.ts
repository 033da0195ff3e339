import { describe, expect, it } from 'vitest';
import { ResponseSequencer } from '../../src/call/response-sequencer.js';

describe('ResponseSequencer', () => {
  it('sends at once when idle and queues while a response is requested or active', () => {
    const s = new ResponseSequencer();
    expect(s.request({ purpose: 'greeting' })?.purpose).toBe('greeting');
    expect(s.request({ purpose: 'tool-followup' })).toBeUndefined();
    s.responseCreated('resp_1');
    expect(s.activeResponseId).toBe('resp_1');
    expect(s.responseDone('resp_1')?.purpose).toBe('tool-followup');
    expect(s.busy).toBe(true);
  });

  it('counts a server-started response as active', () => {
    const s = new ResponseSequencer();
    s.responseCreated('resp_vad');
    expect(s.busy).toBe(true);
    expect(s.request({ purpose: 'x' })).toBeUndefined();
    expect(s.responseDone('resp_vad')?.purpose).toBe('x');
  });

  it('ignores a response.done for another response', () => {
    const s = new ResponseSequencer();
    s.request({ purpose: 'a' });
    s.responseCreated('resp_1');
    s.request({ purpose: 'b' });
    expect(s.responseDone('resp_other')).toBeUndefined();
    expect(s.activeResponseId).toBe('resp_1');
  });

  it('de-duplicates queued requests by purpose', () => {
    const s = new ResponseSequencer();
    s.request({ purpose: 'a' });
    s.request({ purpose: 'b' });
    s.request({ purpose: 'b' });
    s.responseCreated('r1');
    expect(s.responseDone('r1')?.purpose).toBe('b');
    s.responseCreated('r2');
    expect(s.responseDone('r2')).toBeUndefined();
    expect(s.busy).toBe(false);
  });

  it('re-queues a create the server refused and sends it after the running response', () => {
    const s = new ResponseSequencer();
    s.request({ purpose: 'tool-followup' });
    s.responseCreated('resp_vad'); // the server's own response won the race
    s.createRejected();
    expect(s.responseDone('resp_vad')?.purpose).toBe('tool-followup');
  });

  it('drops the greeting when the caller spoke first and the model already answered', () => {
    const s = new ResponseSequencer();
    s.request({ purpose: 'greeting', dropIfPreempted: true });
    s.responseCreated('resp_vad');
    s.createRejected();
    expect(s.responseDone('resp_vad')).toBeUndefined();
    expect(s.busy).toBe(false);
  });

  it('keeps unsent requests across a reset and resumes them on a new leg', () => {
    const s = new ResponseSequencer();
    s.request({ purpose: 'a' });
    s.responseCreated('r1');
    s.request({ purpose: 'b' });
    s.reset();
    expect(s.busy).toBe(false);
    expect(s.resume()?.purpose).toBe('b');
  });
});
