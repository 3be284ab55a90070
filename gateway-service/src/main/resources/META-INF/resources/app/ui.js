// Shared pieces of every page: light-DOM elements (one stylesheet, easy to test), busy/error handling, formatting,
// copy buttons, confirmations, charts.
import { LitElement, html, svg, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { onEvents } from './events.js';

/** A page or widget rendered into the light DOM, with `this.run(...)` for actions that may fail. */
export class BerthElement extends LitElement {
  static properties = { error: { state: true }, busy: { state: true }, notice: { state: true } };

  constructor() {
    super();
    this.error = null;
    this.busy = false;
    this.notice = null;
    this._unsubscribe = [];
  }

  createRenderRoot() {
    return this;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._unsubscribe.forEach((off) => off());
    this._unsubscribe = [];
    clearTimeout(this._reloadTimer);
  }

  /** Runs an action: shows it busy, shows its error (the problem's detail), returns its result or undefined. */
  async run(action, success) {
    this.busy = true;
    this.error = null;
    try {
      const result = await action();
      this.notice = success ? (typeof success === 'function' ? success(result) : success) : null;
      return result;
    } catch (e) {
      this.notice = null;
      this.error = e.message || String(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Loads a page's data: with the busy state and messages of run(), or quietly (a live reload: an error is
   * shown, a notice on the page stays).
   */
  fetchInto(work, quiet) {
    return quiet ? work().catch((e) => (this.error = e.message)) : this.run(work);
  }

  /** Reloads (debounced) when one of these events arrives on the live stream. */
  liveReload(names, reload, filter = () => true) {
    this._unsubscribe.push(onEvents(names, (name, data) => {
      if (!filter(name, data)) return;
      clearTimeout(this._reloadTimer);
      this._reloadTimer = setTimeout(() => reload(name, data), 150);
    }));
  }

  live(names, handler) {
    this._unsubscribe.push(onEvents(names, handler));
  }

  messages() {
    return html`
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}`;
  }
}

// ---- formatting ---------------------------------------------------------------------------------------------

export function bytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function when(iso) {
  if (!iso) return '—';
  const t = new Date(iso);
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 86400
    ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

export function timeTag(iso) {
  return iso ? html`<time datetime=${iso} title=${new Date(iso).toLocaleString()}>${when(iso)}</time>` : '—';
}

export function duration(ms) {
  if (ms == null) return '—';
  return ms < 1000 ? `${ms} ms` : ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60000)} min`;
}

export function status(value) {
  const s = (value || 'unknown').toLowerCase();
  const tone = /ready|running|completed|passed|healthy|up|active|enabled|none overdue/.test(s) ? 'good'
    : /fail|error|rolled|dead|died|unreachable|down|overdue|disabled/.test(s) ? 'bad'
      : /pending|queued|deleting|orphan|stopped|created|verifying|restoring|deploying/.test(s) ? 'warn' : 'plain';
  return html`<span class="pill ${tone}">${s}</span>`;
}

// ---- copy button --------------------------------------------------------------------------------------------

export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

class CopyButton extends LitElement {
  static properties = { text: {}, label: {}, copied: { state: true } };

  constructor() {
    super();
    this.copied = false;
    this.label = 'Copy';
  }

  createRenderRoot() {
    return this;
  }

  async copy() {
    await copyText(this.text);
    this.copied = true;
    setTimeout(() => (this.copied = false), 2000);
  }

  render() {
    return html`<button type="button" class="small" @click=${this.copy} aria-label=${`${this.label}`}>
      ${this.copied ? 'Copied' : 'Copy'}</button><span class="visually-hidden" aria-live="polite">${this.copied
        ? 'Copied to the clipboard' : ''}</span>`;
  }
}
customElements.define('b-copy', CopyButton);

// ---- confirmations ------------------------------------------------------------------------------------------

/**
 * A modal confirmation (native <dialog>: focus is trapped and Escape cancels). `choices` are radio options
 * ({value, label, detail}); `typeToConfirm` asks for a word; `amount` ({label, value, min, max}) asks for a number.
 * Resolves to the chosen value (with `amount`: {choice, amount}), true, or null.
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = false, choices, typeToConfirm,
  amount }) {
  return new Promise((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'confirm';
    dialog.setAttribute('aria-labelledby', 'confirm-title');
    const id = `c${Math.random().toString(36).slice(2, 8)}`;
    dialog.innerHTML = `<form method="dialog">
      <h2 id="confirm-title"></h2><div class="confirm-body"></div>
      <fieldset class="choices" hidden><legend>Choose</legend></fieldset>
      <p class="typed" hidden><label for="${id}"></label><input id="${id}" autocomplete="off"></p>
      <p class="amount" hidden><label for="${id}n"></label><input id="${id}n" type="number"></p>
      <div class="actions"><button value="cancel" type="submit" class="secondary">Cancel</button>
      <button value="ok" type="submit" class="${danger ? 'danger' : 'primary'}"></button></div></form>`;
    dialog.querySelector('h2').textContent = title;
    const bodyEl = dialog.querySelector('.confirm-body');
    (Array.isArray(body) ? body : [body]).filter(Boolean).forEach((line) => {
      const p = document.createElement('p');
      p.textContent = line;
      bodyEl.append(p);
    });
    const ok = dialog.querySelector('button[value=ok]');
    ok.textContent = confirmLabel;
    if (choices) {
      const set = dialog.querySelector('.choices');
      set.hidden = false;
      choices.forEach((c, i) => {
        const label = document.createElement('label');
        label.className = 'choice';
        label.innerHTML = '<input type="radio" name="choice"><span><strong></strong><br><small></small></span>';
        label.querySelector('input').value = c.value;
        label.querySelector('input').checked = i === 0;
        label.querySelector('strong').textContent = c.label;
        label.querySelector('small').textContent = c.detail || '';
        set.append(label);
      });
    }
    const input = dialog.querySelector('.typed input');
    if (typeToConfirm) {
      dialog.querySelector('.typed').hidden = false;
      dialog.querySelector('.typed label').textContent = `Type ${typeToConfirm} to confirm`;
      ok.disabled = true;
      input.addEventListener('input', () => (ok.disabled = input.value !== typeToConfirm));
    }
    const number = dialog.querySelector('.amount input');
    if (amount) {
      dialog.querySelector('.amount').hidden = false;
      dialog.querySelector('.amount label').textContent = amount.label;
      Object.assign(number, { value: amount.value, min: amount.min ?? '', max: amount.max ?? '' });
    }
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'ok';
      const chosen = dialog.querySelector('input[name=choice]:checked');
      const value = choices ? chosen.value : true;
      dialog.remove();
      resolve(!confirmed ? null : amount ? { choice: value, amount: Number(number.value) } : value);
    });
    document.body.append(dialog);
    dialog.showModal();
    (typeToConfirm ? input : dialog.querySelector('button[value=cancel]')).focus();
  });
}

// ---- charts -------------------------------------------------------------------------------------------------

/**
 * A small line chart over time (SVG, no library): `points` are {t: ISO time, v: number}. Described for screen readers
 * by its label, latest value, minimum and maximum.
 */
class LineChart extends LitElement {
  static properties = { points: { attribute: false }, label: {}, format: { attribute: false } };

  constructor() {
    super();
    this.points = [];
    this.format = (v) => String(Math.round(v * 10) / 10);
  }

  createRenderRoot() {
    return this;
  }

  render() {
    const pts = (this.points || []).filter((p) => p.v != null);
    const w = 320;
    const h = 100;
    if (pts.length < 2) {
      return html`<figure class="chart"><figcaption>${this.label}</figcaption>
        <p class="muted">Not enough samples yet (one per minute).</p></figure>`;
    }
    const ts = pts.map((p) => new Date(p.t).getTime());
    const vs = pts.map((p) => p.v);
    const t0 = Math.min(...ts);
    const t1 = Math.max(...ts);
    const max = Math.max(...vs);
    const min = Math.min(0, ...vs);
    const x = (t) => ((t - t0) / Math.max(1, t1 - t0)) * (w - 4) + 2;
    const y = (v) => h - 4 - ((v - min) / Math.max(1e-9, max - min)) * (h - 12);
    const line = pts.map((p, i) => `${i ? 'L' : 'M'}${x(ts[i]).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    const latest = this.format(vs[vs.length - 1]);
    const description = `${this.label}: latest ${latest}, lowest ${this.format(Math.min(...vs))}, highest ${this.format(
      max)}, over ${pts.length} samples`;
    return html`<figure class="chart"><figcaption>${this.label} <strong>${latest}</strong></figcaption>
      <svg viewBox="0 0 ${w} ${h}" role="img" aria-label=${description} preserveAspectRatio="none">
        ${svg`<path d=${`${line} L${x(t1).toFixed(1)},${h} L${x(t0).toFixed(1)},${h} Z`} class="area"></path>
        <path d=${line} class="line"></path>`}
      </svg>
      <div class="chart-axis"><span>${new Date(t0).toLocaleString()}</span><span>max ${this.format(max)}</span></div>
    </figure>`;
  }
}
customElements.define('b-chart', LineChart);

/** A bar chart of named values (backup sizes and durations). */
class BarChart extends LitElement {
  static properties = { bars: { attribute: false }, label: {}, format: { attribute: false } };

  constructor() {
    super();
    this.bars = [];
    this.format = String;
  }

  createRenderRoot() {
    return this;
  }

  render() {
    const bars = this.bars || [];
    if (!bars.length) return html`<p class="muted">${this.label}: no data yet.</p>`;
    const max = Math.max(...bars.map((b) => b.v), 1);
    return html`<figure class="bars"><figcaption>${this.label}</figcaption>
      <ul>${bars.map((b) => html`<li><span class="bar-label">${b.label}</span>
        <span class="bar" style=${styleMap({ width: `${Math.max(2, (b.v / max) * 100)}%` })}></span>
        <span class="bar-value">${this.format(b.v)}</span></li>`)}</ul></figure>`;
  }
}
customElements.define('b-bars', BarChart);

export { html, nothing };
