import { describe, expect, it } from 'vitest';
import type { CallObserver } from '../../../src/call/call-types.js';
import { echo, fakeCall, greetedCall, model, settle } from './fake-call.js';

/** The greeting as two 100 ms chunks of item_1; the caller heard the first when its mark echoed. */
async function greetingHalfHeard(options: Parameters<typeof fakeCall>[0] = {}) {
  const f = fakeCall(options);
  await settle();
  f.port.emit(model.started('r1', 'greeting'));
  f.port.emit(model.audio('r1', 'item_1', 100));
  f.port.emit(model.audio('r1', 'item_1', 100));
  const [first, second] = f.line.marks();
  echo(f.call, first!);
  return { ...f, unheardMark: second! };
}

describe('Call: barge-in', () => {
  it('clears Twilio before truncating, and truncates at what was heard (played + 50 ms, never past what was sent)', async () => {
    const f = await greetingHalfHeard();
    f.journal.length = 0;
    f.port.emit(model.speechStarted());
    expect(f.journal).toEqual(['twilio:clear', 'model:truncate item_1/0 at 150']);
  });

  it('cancels the running response itself only when the model does not, between the clear and the truncate', async () => {
    const f = await greetingHalfHeard();
    f.port.cancelsOnBargeIn = false;
    f.journal.length = 0;
    f.port.emit(model.speechStarted());
    expect(f.journal).toEqual(['twilio:clear', 'model:cancel r1', 'model:truncate item_1/0 at 150']);
  });

  it('drops late audio of the interrupted response, and plays the next one', async () => {
    const f = await greetingHalfHeard();
    f.port.emit(model.speechStarted());
    const framesAtClear = f.line.frames.length;
    f.port.emit(model.audio('r1', 'item_1', 100));
    f.port.emit(model.audioDone('r1', 'item_1'));
    expect(f.line.frames.length).toBe(framesAtClear);
    f.port.emit(model.done('r1', 'cancelled'));
    f.port.emit(model.started('r2'));
    f.port.emit(model.audio('r2', 'item_2', 100));
    expect(f.line.frames.slice(framesAtClear).map((m) => m.event)).toEqual(['media', 'mark']);
  });

  it('ignores marks that Twilio echoes because of the clear: they are not playout', async () => {
    const playouts: number[] = [];
    const observer: CallObserver = { turnLatency: (stage, ms) => stage === 'playout' && playouts.push(ms) };
    const f = await greetingHalfHeard({ observer });
    f.port.emit(model.speechStarted());
    f.port.emit({ type: 'speech-stopped', lagMs: 0 });
    f.port.emit(model.done('r1', 'cancelled'));
    f.port.emit(model.started('r2'));
    f.port.emit(model.audio('r2', 'item_2', 100));
    echo(f.call, f.unheardMark);
    expect(playouts).toEqual([]);
    echo(f.call, f.line.marks().at(-1)!);
    expect(playouts).toHaveLength(1);
  });

  it('does nothing when the agent is neither speaking nor answering', async () => {
    const f = await greetedCall();
    f.journal.length = 0;
    f.port.emit(model.speechStarted());
    expect(f.journal).toEqual([]);
  });

  it('truncates every queued item: the playing one where heard, the later ones at 0', async () => {
    const f = await greetingHalfHeard();
    f.port.emit(model.audio('r1', 'item_2', 100));
    f.journal.length = 0;
    f.port.emit(model.speechStarted());
    expect(f.journal).toEqual(['twilio:clear', 'model:truncate item_1/0 at 150', 'model:truncate item_2/0 at 0']);
  });
});
