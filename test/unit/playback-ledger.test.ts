import { describe, expect, it } from 'vitest';
import { PlaybackLedger } from '../../src/call/playback-ledger.js';

const ms = (n: number) => n * 8;

describe('PlaybackLedger', () => {
  it('truncates at played + 50 ms, capped at what was sent (a worked example)', () => {
    const ledger = new PlaybackLedger();
    const m1 = ledger.audioSent('r1', 'i1', 0, ms(100));
    ledger.audioSent('r1', 'i1', 0, ms(100));
    ledger.audioSent('r1', 'i1', 0, ms(100));
    expect(ledger.markEchoed(m1)).toMatchObject({ kind: 'played', playedMs: 100, firstForItem: true });
    expect(ledger.interrupt()).toEqual([{ itemId: 'i1', contentIndex: 0, audioEndMs: 150 }]);
  });

  it('never truncates beyond the audio received for the item', () => {
    const ledger = new PlaybackLedger();
    const a = ledger.audioSent('r1', 'i1', 0, ms(100));
    ledger.audioSent('r1', 'i1', 0, ms(20));
    ledger.markEchoed(a);
    expect(ledger.interrupt()[0]!.audioEndMs).toBe(120);
  });

  it('gives the first item up to 50 ms even before any echo, and later unplayed items 0', () => {
    const ledger = new PlaybackLedger();
    ledger.audioSent('r1', 'i1', 0, ms(300));
    ledger.audioSent('r1', 'i2', 0, ms(200));
    expect(ledger.interrupt()).toEqual([
      { itemId: 'i1', contentIndex: 0, audioEndMs: 50 },
      { itemId: 'i2', contentIndex: 0, audioEndMs: 0 },
    ]);
  });

  it('tracks several items of one response separately (multi-item responses)', () => {
    const ledger = new PlaybackLedger();
    const a1 = ledger.audioSent('r1', 'i1', 0, ms(40));
    const d1 = ledger.audioDone('r1', 'i1', 0)!;
    const b1 = ledger.audioSent('r1', 'i2', 0, ms(60));
    ledger.audioSent('r1', 'i2', 0, ms(60));
    ledger.markEchoed(a1);
    expect(ledger.markEchoed(d1)).toMatchObject({ kind: 'item-finished' });
    expect(ledger.markEchoed(b1)).toMatchObject({ kind: 'played', playedMs: 60 });
    expect(ledger.interrupt()).toEqual([{ itemId: 'i2', contentIndex: 0, audioEndMs: 110 }]);
  });

  it('ignores echoes of marks that were pending when clear went out', () => {
    const ledger = new PlaybackLedger();
    const a = ledger.audioSent('r1', 'i1', 0, ms(20));
    const b = ledger.audioSent('r1', 'i1', 0, ms(20));
    ledger.interrupt();
    expect(ledger.markEchoed(a)).toEqual({ kind: 'cleared' });
    expect(ledger.markEchoed(b)).toEqual({ kind: 'cleared' });
    expect(ledger.hasUnplayedAudio()).toBe(false);
    // a new generation starts from scratch
    const c = ledger.audioSent('r2', 'i3', 0, ms(20));
    expect(c).not.toBe(a);
    expect(ledger.markEchoed(c)).toMatchObject({ kind: 'played', item: { itemId: 'i3' } });
  });

  it('reports unplayed audio until the done mark echoes, even after all audio was forwarded', () => {
    const ledger = new PlaybackLedger();
    const a = ledger.audioSent('r1', 'i1', 0, ms(20));
    const d = ledger.audioDone('r1', 'i1', 0)!;
    expect(ledger.hasUnplayedAudio()).toBe(true);
    ledger.markEchoed(a);
    expect(ledger.hasUnplayedAudio()).toBe(true);
    ledger.markEchoed(d);
    expect(ledger.hasUnplayedAudio()).toBe(false);
    expect(ledger.queuedItems).toHaveLength(0);
    expect(ledger.interrupt()).toEqual([]);
  });

  it('has no done mark for an item with no audio, and treats unknown echoes as unknown', () => {
    const ledger = new PlaybackLedger();
    expect(ledger.audioDone('r1', 'i1', 0)).toBeUndefined();
    expect(ledger.markEchoed('nope')).toEqual({ kind: 'unknown' });
  });

  it('floors fractional milliseconds and keeps offsets integral', () => {
    const ledger = new PlaybackLedger();
    const a = ledger.audioSent('r1', 'i1', 0, 100); // 12.5 ms
    ledger.audioSent('r1', 'i1', 0, 101);
    ledger.markEchoed(a);
    const [t] = ledger.interrupt();
    expect(Number.isInteger(t!.audioEndMs)).toBe(true);
    expect(t!.audioEndMs).toBe(25);
  });

  it('knows which responses still have audio queued', () => {
    const ledger = new PlaybackLedger();
    ledger.audioSent('r1', 'i1', 0, 160);
    ledger.audioSent('r2', 'i2', 0, 160);
    expect([...ledger.responseIds()].sort()).toEqual(['r1', 'r2']);
  });
});
