import { describe, expect, it } from 'vitest';
import { classifySubmitResponse } from '../../../src/main-app/app-client.js';

describe('classifySubmitResponse (contract: submit-order answers)', () => {
  it('treats 200 and 201 with an orderId as accepted', () => {
    expect(classifySubmitResponse(201, '{"orderId":"ord_1","estimatedReadyMinutes":20}')).toEqual({ kind: 'accepted', orderId: 'ord_1', estimatedReadyMinutes: 20, duplicate: false });
    expect(classifySubmitResponse(200, '{"orderId":"ord_2","extra":1}')).toEqual({ kind: 'accepted', orderId: 'ord_2', duplicate: false });
  });

  it('treats 409 as success, flagged duplicate', () => {
    expect(classifySubmitResponse(409, '{"orderId":"ord_1"}')).toEqual({ kind: 'accepted', orderId: 'ord_1', duplicate: true });
    expect(classifySubmitResponse(409, 'conflict')).toEqual({ kind: 'accepted', orderId: null, duplicate: true });
  });

  it('treats 422 as a refusal carrying the app’s reason', () => {
    expect(classifySubmitResponse(422, '{"error":"Kitchen closed"}')).toEqual({ kind: 'refused', reason: 'Kitchen closed' });
    expect(classifySubmitResponse(422, '')).toEqual({ kind: 'refused', reason: 'the restaurant could not accept this order' });
  });

  it('retries 5xx, 408, 429, auth failures, and a 2xx without an orderId', () => {
    for (const status of [500, 502, 503, 504, 408, 429, 401, 403]) expect(classifySubmitResponse(status, '').kind).toBe('retryable');
    expect(classifySubmitResponse(201, '{}').kind).toBe('retryable');
  });

  it('refuses other 4xx (the request itself is wrong; retrying cannot help)', () => {
    expect(classifySubmitResponse(400, '{"error":"bad"}')).toEqual({ kind: 'refused', reason: 'the order system rejected the order (HTTP 400)' });
  });
});
