// Small SVG bar charts: grouped bars with a legend and a text alternative (no library, no canvas).
import { svgEl, el } from './format.js';

const COLORS = ['#1f5fbf', '#b35900', '#2e7d32'];

export function barChart(items, series, label) {
  const w = 280, rowH = 18 * series.length + 8, h = Math.max(rowH, items.length * rowH) + 4;
  const max = Math.max(1, ...items.flatMap((i) => i.values));
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': `${label}: ${items.map((i) => `${i.label} ${i.values.join('/')}`).join(', ') || 'no data'}` });
  items.forEach((it, r) => {
    const y0 = r * rowH + 2;
    const t = svgEl('text', { x: 0, y: y0 + 13, 'font-size': 11, fill: '#1a1a1a' });
    t.textContent = it.label.length > 14 ? `${it.label.slice(0, 13)}…` : it.label;
    svg.append(t);
    it.values.forEach((v, s) => {
      const bw = Math.max(1, Math.round((v / max) * (w - 130)));
      svg.append(svgEl('rect', { x: 95, y: y0 + s * 18, width: bw, height: 14, fill: COLORS[s % COLORS.length] }));
      const n = svgEl('text', { x: 100 + bw, y: y0 + s * 18 + 11, 'font-size': 11, fill: '#1a1a1a' });
      n.textContent = String(v);
      svg.append(n);
    });
  });
  const legend = series.length > 1 ? el('p', { class: 'legend' }, series.map((s, i) => el('span', { class: `lg lg${i}` }, s))) : null;
  return el('div', { class: 'chart' }, svg, legend);
}
