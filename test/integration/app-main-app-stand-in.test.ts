import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startMainApp, type MainAppStandIn } from '../../sim/main-app.js';
import { exampleSubmitBody } from '../unit/ordering/fixtures.js';

let app: MainAppStandIn | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${app!.url}/api/realtime/submit-order`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': (body as { idempotencyKey?: string }).idempotencyKey ?? '', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

describe('main-app stand-in', () => {
  it('accepts the contract example once, then answers 409 with the same orderId', async () => {
    app = await startMainApp();
    expect(await post(exampleSubmitBody())).toEqual({ status: 201, json: { orderId: 'ord_1', estimatedReadyMinutes: 20 } });
    expect(await post(exampleSubmitBody())).toEqual({ status: 409, json: { orderId: 'ord_1' } });
    expect(app.orders()).toHaveLength(1);
  });

  it('rejects a body missing a contract field (400, naming it) and a mismatched Idempotency-Key', async () => {
    app = await startMainApp();
    const { customer: _customer, ...noCustomer } = exampleSubmitBody();
    expect(await post(noCustomer)).toEqual({ status: 400, json: { error: 'customer: Invalid input: expected object, received undefined' } });
    expect((await post(exampleSubmitBody(), { 'idempotency-key': 'other' })).status).toBe(400);
    expect(app.orders()).toEqual([]);
  });

  it('refuses prices that do not match its menu (422)', async () => {
    app = await startMainApp();
    const body = exampleSubmitBody();
    body.items[1]!.unitPriceCents = 200;
    body.items[1]!.lineTotalCents = 200;
    body.subtotalCents = 4100;
    expect(await post(body)).toEqual({ status: 422, json: { error: 'unitPriceCents for item_cola should be 250' } });
  });

  it('requires the Bearer key when configured', async () => {
    app = await startMainApp({ apiKey: 'k' });
    expect((await post(exampleSubmitBody())).status).toBe(401);
    expect((await post(exampleSubmitBody(), { authorization: 'Bearer k' })).status).toBe(201);
  });
});
