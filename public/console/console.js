/**
 * The operator console page: live calls (transcript, cart, order) from GET /console/events, a whisper box and a
 * take-over button per call, and a call to the agent from this browser. Everything shown is set as text, never
 * as HTML.
 */
import { BrowserCall } from './browser-call.js';

const ENDED_CALLS_KEPT = 10;
const $ = (selector, root = document) => root.querySelector(selector);

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const money = (cents) => (cents / 100).toFixed(2);
const timeOf = (iso) => new Date(iso).toLocaleTimeString();

async function boot() {
  const params = new URLSearchParams(location.search);
  $('#org').value = params.get('org') ?? localStorage.getItem('console.org') ?? '';
  $('#login').addEventListener('submit', signIn);
  $('#call-form').addEventListener('submit', callTheAgent);
  const res = await fetch('/console/calls');
  if (res.status === 401) return showSignIn();
  showConsole();
}

function showSignIn(message = '') {
  $('#login').hidden = false;
  $('#console').hidden = true;
  $('#login-error').textContent = message;
  $('#token').focus();
}

function showConsole() {
  $('#login').hidden = true;
  $('#console').hidden = false;
  listen();
}

async function signIn(event) {
  event.preventDefault();
  const res = await fetch('/console/session', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: $('#token').value });
  $('#token').value = '';
  if (res.status === 204) return showConsole();
  showSignIn(res.status === 401 ? 'That is not the console token.' : `Sign-in failed (HTTP ${res.status}).`);
}

/** The live events; on every (re)connection the stream starts with a `call.started` for each live call. */
function listen() {
  const events = new EventSource('/console/events');
  const on = (name, handle) => events.addEventListener(name, (e) => handle(JSON.parse(e.data)));
  events.onopen = () => {
    setLink('live');
    void markGoneCalls();
  };
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) return showSignIn('Your session ended; sign in again.');
    setLink('reconnecting…');
  };
  on('call.started', showCall);
  on('transcript', ({ callSid, role, text }) => withCall(callSid, (card) => addLine(card, role, text)));
  on('cart', ({ callSid, cart }) => withCall(callSid, (card) => showCart(card, cart)));
  on('order', ({ callSid, orderId }) => withCall(callSid, (card) => showOrder(card, orderId)));
  on('call.ended', ({ callSid, reason }) => withCall(callSid, (card) => endCall(card, reason)));
}

function setLink(state) {
  $('#link').textContent = `Events: ${state}`;
}

/** After a reconnection: calls that ended meanwhile are no longer live. */
async function markGoneCalls() {
  const res = await fetch('/console/calls');
  if (!res.ok) return;
  const live = new Set((await res.json()).map((call) => call.callSid));
  for (const card of document.querySelectorAll('.call:not(.ended)')) if (!live.has(card.dataset.callSid)) endCall(card, 'ended while the console was away');
}

function withCall(callSid, update) {
  const card = document.querySelector(`.call[data-call-sid="${CSS.escape(callSid)}"]`);
  if (card) update(card);
}

function showCall(snapshot) {
  const existing = document.querySelector(`.call[data-call-sid="${CSS.escape(snapshot.callSid)}"]`);
  const card = existing ?? newCard(snapshot);
  $('.transcript', card).replaceChildren();
  for (const line of snapshot.transcript) addLine(card, line.role, line.text);
  showCart(card, snapshot.cart);
  if (!existing) $('#calls').prepend(card);
  $('#no-calls').hidden = true;
}

function newCard({ callSid, orgId, channel, startedAt }) {
  const card = element('article', { className: `call ${channel}` });
  card.dataset.callSid = callSid;
  const whisper = element(
    'form',
    { className: 'whisper' },
    element('input', { name: 'text', maxLength: 500, placeholder: 'Note for the agent (e.g. the oven is backed up: quote 45 minutes)', required: true }),
    element('button', { type: 'submit' }, 'Whisper'),
  );
  whisper.addEventListener('submit', (event) => {
    event.preventDefault();
    void whisperTo(card, whisper);
  });
  const takeOver = element('button', { type: 'button', className: 'take-over' }, 'Take over');
  takeOver.addEventListener('click', () => void takeOverCall(card));
  card.append(
    element(
      'header',
      {},
      element('strong', {}, orgId),
      element('span', { className: 'badge' }, channel),
      element('code', {}, callSid),
      element('time', { dateTime: startedAt }, `since ${timeOf(startedAt)}`),
      element('span', { className: 'state' }, 'live'),
    ),
    element('div', { className: 'body' }, element('ol', { className: 'transcript' }), element('section', { className: 'cart' })),
    whisper,
    element('div', { className: 'actions' }, takeOver, element('output', { className: 'result' })),
  );
  return card;
}

function addLine(card, role, text) {
  const list = $('.transcript', card);
  list.append(element('li', { className: role }, element('b', {}, role === 'caller' ? 'Caller' : 'Agent'), ` ${text}`));
  list.scrollTop = list.scrollHeight;
}

function showCart(card, cart) {
  const rows = cart.lines.map((line) => element('tr', {}, element('td', {}, line.description), element('td', { className: 'amount' }, money(line.lineTotalCents))));
  const total = element('tr', { className: 'subtotal' }, element('td', {}, 'Subtotal'), element('td', { className: 'amount' }, money(cart.subtotalCents)));
  const section = $('.cart', card);
  const order = $('.order', card);
  section.replaceChildren(
    cart.lines.length === 0 ? element('p', { className: 'empty' }, 'Cart is empty') : element('table', {}, element('tbody', {}, ...rows, total)),
  );
  if (order) section.append(order);
}

function showOrder(card, orderId) {
  const text = orderId ? `Order placed: ${orderId}` : 'Order placed (waiting for the restaurant app)';
  const existing = $('.order', card);
  if (existing) existing.textContent = text;
  else $('.cart', card).append(element('p', { className: 'order' }, text));
}

function endCall(card, reason) {
  card.classList.add('ended');
  $('.state', card).textContent = `ended: ${reason}`;
  for (const control of card.querySelectorAll('input, button')) control.disabled = true;
  const ended = document.querySelectorAll('.call.ended');
  for (const old of [...ended].slice(ENDED_CALLS_KEPT)) old.remove();
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const answer = await res.json().catch(() => ({}));
  return { status: res.status, message: answer.error ?? answer.status ?? '' };
}

async function whisperTo(card, form) {
  const input = form.elements.namedItem('text');
  const { status, message } = await post(`/console/calls/${encodeURIComponent(card.dataset.callSid)}/whisper`, { text: input.value });
  if (status === 202) input.value = '';
  $('.result', card).textContent = status === 202 ? `Whispered: the agent has the note.` : `Whisper refused (${status}): ${message}`;
}

async function takeOverCall(card) {
  const { status, message } = await post(`/console/calls/${encodeURIComponent(card.dataset.callSid)}/take-over`);
  $('.result', card).textContent = status === 202 ? 'Taking over: the caller is being transferred to staff.' : `Cannot take over (${status}): ${message}`;
}

let call;

async function callTheAgent(event) {
  event.preventDefault();
  if (call) return call.hangUp();
  const orgId = $('#org').value.trim();
  localStorage.setItem('console.org', orgId);
  call = new BrowserCall(orgId, (state, detail) => showCallState(state, detail));
  await call.start();
}

function showCallState(state, detail) {
  const button = $('#call-button');
  if (state === 'connecting') $('#call-status').textContent = 'Connecting…';
  if (state === 'live') $('#call-status').textContent = `In a call with the agent of ${call.orgId}: speak into your microphone.`;
  if (state === 'ended') {
    $('#call-status').textContent = `Call ended: ${detail}`;
    call = undefined;
  }
  button.textContent = call ? 'Hang up' : 'Call the agent';
  $('#org').disabled = Boolean(call);
  const stats = call?.stats;
  if (stats) {
    $('#call-stats').textContent =
      `Sent ${(stats.framesSent / 50).toFixed(1)} s of your voice · heard ${(stats.receivedMs / 1000).toFixed(1)} s of the agent · ` +
      `marks echoed ${stats.marksEchoed} of ${stats.marksReceived} · clears ${stats.clears}`;
  }
}

void boot();
