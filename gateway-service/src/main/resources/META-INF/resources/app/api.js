// Every call the dashboard makes goes through here: the session token, problem+json errors as readable messages.
import { session } from './session.js';

/** An answer that was not a success; `message` is the problem's detail, for a person. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `the request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

async function errorOf(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch (e) {
    // not JSON
  }
  return new ApiError(response.status, problem);
}

/** Calls the API as the signed-in person; JSON in and out. */
export async function api(method, path, body, { headers = {}, raw = false, signal, rawBody } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, signal };
  if (session.token) {
    init.headers.Authorization = `Bearer ${session.token}`;
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (rawBody !== undefined) {
    init.body = rawBody;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { detail: 'Berth cannot be reached; check that it runs (./berth status)' });
  }
  if (response.status === 401 && session.token && !path.startsWith('/api/auth/login')) {
    session.expired();
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  if (raw) return response;
  if (response.status === 204 || response.headers.get('Content-Length') === '0') return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

/** Downloads a file the API serves (with the token, so not a plain link). */
export async function download(path, fileName) {
  const response = await api('GET', path, undefined, { raw: true, headers: { Accept: 'application/octet-stream' } });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
