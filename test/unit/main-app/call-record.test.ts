import { describe, expect, it } from 'vitest';
import { callRecordKey, classifyCallRecordResponse, parseCallRecordBody } from '../../../src/main-app/call-record.js';
import { classifyCustomerResponse } from '../../../src/main-app/customer.js';
import { loadContractExample } from '../../../sim/main-app.js';

const example = () => structuredClone(loadContractExample('call-record.example.json')) as Record<string, any>;
const errorOf = (raw: unknown) => {
  const r = parseCallRecordBody(raw);
  return r.ok ? 'ok' : r.error;
};

describe('call-record body (contract: call-record.example.json)', () => {
  it('parses the contract example; summary may be left out; from, orderId and recording may be null', () => {
    expect(parseCallRecordBody(example())).toEqual({ ok: true, body: example() });
    const minimal = example();
    delete minimal.summary;
    Object.assign(minimal, { from: null, orderId: null, recording: null, outcome: 'abandoned' });
    expect(errorOf(minimal)).toBe('ok');
  });

  it.each([
    ['outcome', (r: any) => (r.outcome = 'hung-up'), 'outcome: Invalid option: expected one of "order-placed"|"no-order"|"transferred"|"abandoned"|"refused"|"failed"'],
    ['key', (r: any) => (r.idempotencyKey = 'CA1:record'), 'idempotencyKey: expected "<callSid>:record"'],
    ['transcript role', (r: any) => (r.transcript[0].role = 'system'), 'transcript[0].role: Invalid option: expected one of "agent"|"caller"'],
    ['times', (r: any) => (r.endedAt = '2026-11-24T18:00:00.000Z'), 'endedAt: expected endedAt at or after startedAt'],
    ['usage', (r: any) => delete r.usage.estimatedCostUsd, 'usage.estimatedCostUsd: Invalid input: expected number, received undefined'],
    ['recording channels', (r: any) => (r.recording.channels = 3), 'recording.channels: Too big: expected number to be <=2'],
  ])('names the bad field: %s', (_label, patch, message) => {
    const raw = example();
    patch(raw);
    expect(errorOf(raw)).toBe(message);
  });

  it('keys a record by its call', () => {
    expect(callRecordKey('CA0123456789abcdef0123456789abcdef')).toBe(example().idempotencyKey);
  });
});

describe('classifyCallRecordResponse (contract: call-record answers)', () => {
  it('200, 201 and 409 are success; 404 means the app does not take records', () => {
    expect(classifyCallRecordResponse(200, {})).toEqual({ kind: 'stored', duplicate: false });
    expect(classifyCallRecordResponse(201, undefined)).toEqual({ kind: 'stored', duplicate: false });
    expect(classifyCallRecordResponse(409, {})).toEqual({ kind: 'stored', duplicate: true });
    expect(classifyCallRecordResponse(404, {})).toEqual({ kind: 'not-taken' });
  });

  it('5xx and the transient or misconfiguration 4xx are retried; other 4xx are refusals with the app’s reason', () => {
    for (const status of [500, 502, 503, 401, 403, 408, 429]) expect(classifyCallRecordResponse(status, {})).toEqual({ kind: 'retryable', reason: `HTTP ${status}` });
    expect(classifyCallRecordResponse(422, { error: 'unknown org' })).toEqual({ kind: 'refused', reason: 'unknown org' });
    expect(classifyCallRecordResponse(400, 'x')).toEqual({ kind: 'refused', reason: 'HTTP 400' });
  });
});

describe('classifyCustomerResponse (contract: customer answers)', () => {
  const customer = loadContractExample('customer.example.json');

  it('200 with the contract example is a known caller; 404 or another status is unknown', () => {
    expect(classifyCustomerResponse(200, customer, '+15551230000')).toEqual({ kind: 'known', customer });
    expect(classifyCustomerResponse(404, {}, '+15551230000')).toEqual({ kind: 'unknown', reason: 'not found' });
    expect(classifyCustomerResponse(500, {}, '+15551230000')).toEqual({ kind: 'unknown', reason: 'HTTP 500' });
  });

  it('a body for another number, or with a broken lastOrder, is unknown', () => {
    expect(classifyCustomerResponse(200, customer, '+15550000000')).toEqual({ kind: 'unknown', reason: 'invalid customer: phone does not match the number asked for' });
    expect(classifyCustomerResponse(200, { ...(customer as object), lastOrder: { items: [] } }, '+15551230000')).toMatchObject({ kind: 'unknown' });
  });

  it('tolerates a missing name, null notes and any shape of stored address (kept opaque)', () => {
    const r = classifyCustomerResponse(200, { phone: '+15551230000', lastOrder: null, deliveryAddress: { line1: '1 Main St' } }, '+15551230000');
    expect(r).toEqual({ kind: 'known', customer: { name: null, phone: '+15551230000', lastOrder: null, deliveryAddress: { line1: '1 Main St' } } });
  });
});
