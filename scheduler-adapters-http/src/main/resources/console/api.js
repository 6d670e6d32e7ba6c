// The console's only door to the server: same-origin fetch with the session cookie, the CSRF token on every
// state change, the tenant named for cross-tenant sessions, and problem+json turned into an ApiError that the
// page shows (a 403 is never swallowed).
export const API = '/api/v1/scheduler';

export class ApiError extends Error {
  constructor(status, problem, path) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.path = path;
  }
  get code() { return this.problem.code || `HTTP_${this.status}`; }
}

const state = { csrf: null, tenant: null, onUnauthorized: () => {} };

export function configure({ csrf, tenant, onUnauthorized }) {
  if (csrf !== undefined) state.csrf = csrf;
  if (tenant !== undefined) state.tenant = tenant;
  if (onUnauthorized) state.onUnauthorized = onUnauthorized;
}

export function currentTenant() { return state.tenant; }

function withTenant(path) {
  if (!state.tenant) return path;
  const u = new URL(path, location.origin);
  if (!u.searchParams.has('tenant')) u.searchParams.set('tenant', state.tenant);
  return u.pathname + u.search;
}

export async function request(method, path, body, { tenant = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
  }
  const url = tenant ? withTenant(path) : path;
  let res;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'network error', detail: `the server did not answer (${e.message})` }, path);
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const err = new ApiError(res.status, typeof data === 'object' ? data : { detail: String(data).slice(0, 200) }, path);
    if (res.status === 401 && path !== '/console/session') state.onUnauthorized(err);
    throw err;
  }
  return data;
}

export const get = (p, o) => request('GET', p, undefined, o);
export const post = (p, b, o) => request('POST', p, b, o);
export const del = (p, o) => request('DELETE', p, undefined, o);

/** URL with the tenant for things the browser fetches itself (EventSource, downloads). */
export function href(path) { return withTenant(path); }
