// The live event stream (GET /api/events) read with fetch, so the token goes in a header, never in a URL.
// Resumes after a drop with Last-Event-ID; every event is dispatched as a 'berth-event' on window.
import { session } from './session.js';

let controller = null;
let lastId = null;

export const liveState = new EventTarget();
liveState.connected = false;

function setConnected(value) {
  if (liveState.connected !== value) {
    liveState.connected = value;
    liveState.dispatchEvent(new Event('change'));
  }
}

/**
 * The newest phase of every restore seen on the stream, kept whether or not a page knows the restore yet: a restore
 * can announce its phases before the answer to the request that started it has reached the page.
 */
const restores = new Map();

export function restoreSeen(id) {
  return restores.get(id) || null;
}

function remember(name, entry) {
  if (name !== 'RestorePhaseChanged' || !entry?.data?.restoreId) return;
  const e = entry.data;
  const before = restores.get(e.restoreId);
  if (!before || !before.finished) restores.set(e.restoreId, e);
  if (restores.size > 200) restores.delete(restores.keys().next().value);
}

function dispatch(message) {
  if (message.id) lastId = message.id;
  if (message.event === 'signed-out') {
    const reason = JSON.parse(message.data || '{}').reason;
    session.clear(reason ? `Signed out: ${reason}.` : 'Your sign-in has ended.');
    return;
  }
  let data = null;
  try {
    data = message.data ? JSON.parse(message.data) : null;
  } catch (e) {
    data = null;
  }
  remember(message.event, data);
  window.dispatchEvent(new CustomEvent('berth-event', { detail: { name: message.event, id: message.id, data } }));
}

async function run(signal) {
  while (!signal.aborted && session.token) {
    try {
      const headers = { Authorization: `Bearer ${session.token}`, Accept: 'text/event-stream' };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch('/api/events', { headers, signal, cache: 'no-store' });
      if (response.status === 401) {
        session.expired();
        return;
      }
      if (!response.ok) throw new Error(`stream answered ${response.status}`);
      setConnected(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let message = { data: '' };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (message.event || message.data) dispatch(message);
            message = { data: '' };
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') message.data += (message.data ? '\n' : '') + text;
            else message[field] = text;
          }
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    setConnected(false);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

export function startLive() {
  stopLive();
  controller = new AbortController();
  run(controller.signal);
}

export function stopLive() {
  if (controller) controller.abort();
  controller = null;
  lastId = null;
  setConnected(false);
}

/** Calls `handler(name, data)` for each event whose name is in `names` (all when empty); returns the unsubscriber. */
export function onEvents(names, handler) {
  const listener = (e) => {
    if (!names.length || names.includes(e.detail.name)) handler(e.detail.name, e.detail.data, e.detail.id);
  };
  window.addEventListener('berth-event', listener);
  return () => window.removeEventListener('berth-event', listener);
}
