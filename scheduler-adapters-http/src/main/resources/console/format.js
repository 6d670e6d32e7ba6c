// Small formatting helpers and a safe element builder (no innerHTML with data: everything is text nodes).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const svgEl = (tag, attrs = {}) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60), r = s % 60;
  if (m < 60) return `${m}m ${String(r).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function shortId(id) {
  return id && id.length > 28 ? `${id.slice(0, 12)}…${id.slice(-10)}` : id;
}

export function pct(p) { return `${(Math.round((p || 0) * 10) / 10).toFixed(1)} %`; }

export const ACTIVE = new Set(['planning', 'queued', 'running']);
export const TERMINAL = new Set(['completed', 'cancelled', 'error']);

export function deltaText(d) {
  if (!d) return '—';
  const parts = [];
  if (d.newCriticals) parts.push(`+${d.newCriticals} crit`);
  if (d.newHigh) parts.push(`+${d.newHigh} high`);
  if (d.quieted) parts.push(`−${d.quieted} quieted`);
  if (d.resolved) parts.push(`−${d.resolved} resolved`);
  return parts.length ? parts.join(' ') : (d.images ? `${d.images} images` : '0');
}

export function deltaTooltip(d) {
  if (!d) return '';
  return `images with deltas ${d.images}; new critical ${d.newCriticals}, high ${d.newHigh}, medium ${d.newMedium}, low ${d.newLow}; resolved ${d.resolved}; quieted ${d.quieted}; KEV hits ${d.kevHits}`;
}

export async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
}
