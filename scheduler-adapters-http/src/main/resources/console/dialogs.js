// Modal dialogs on the native <dialog> element: focus is trapped and Escape closes, for free.
import { el } from './format.js';

export function confirmDialog(title, message, confirmLabel = 'Confirm') {
  return new Promise((resolve) => {
    const ok = el('button', { type: 'button', class: 'primary', onclick: () => { d.close(); resolve(true); } }, confirmLabel);
    const cancel = el('button', { type: 'button', onclick: () => { d.close(); resolve(false); } }, 'Cancel');
    const d = el('dialog', { class: 'dialog confirm', 'aria-labelledby': 'confirm-title' },
      el('h2', { id: 'confirm-title' }, title), el('p', {}, message), el('div', { class: 'actions' }, cancel, ok));
    d.addEventListener('cancel', () => resolve(false));
    d.addEventListener('close', () => d.remove());
    document.body.append(d);
    d.showModal();
    cancel.focus();
  });
}

/** A dialog with arbitrary content; returns the element so callers can fill and close it. */
export function modal(title, id, ...content) {
  const close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close dialog', onclick: () => d.close() }, '×');
  const d = el('dialog', { class: 'dialog', id, 'aria-labelledby': `${id}-title` },
    el('div', { class: 'dialog-head' }, el('h2', { id: `${id}-title` }, title), close), ...content);
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  return d;
}
