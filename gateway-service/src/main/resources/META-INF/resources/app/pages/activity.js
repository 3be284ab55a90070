// Activity: what happened across Berth, newest first, with new events arriving live.
import { html, nothing } from 'lit';
import { BerthElement, timeTag } from '../ui.js';
import { get } from '../api.js';

function summary(e) {
  const d = e.data || {};
  const parts = [d.databaseName || d.database, d.app, d.name, d.phase, d.status, d.reason, d.errorSummary || d.error]
    .filter((x) => x != null && x !== '');
  return parts.join(' · ');
}

class Activity extends BerthElement {
  static properties = { entries: { state: true }, filter: { state: true } };

  constructor() {
    super();
    this.entries = null;
    this.filter = '';
  }

  connectedCallback() {
    super.connectedCallback();
    this.run(async () => (this.entries = await get('/api/activity?limit=200')));
    this.live([], (name, entry) => {
      if (!entry || !this.entries || this.entries.some((x) => x.seq === entry.seq)) return;
      this.entries = [entry, ...this.entries].slice(0, 500);
    });
  }

  render() {
    const f = this.filter.toLowerCase();
    const list = (this.entries || []).filter((e) => !f || e.type.toLowerCase().includes(f)
      || summary(e).toLowerCase().includes(f));
    return html`<h1 tabindex="-1">Activity</h1>${this.messages()}
      <label>Filter <input type="search" .value=${this.filter} @input=${(e) => (this.filter = e.target.value)}
        placeholder="Backup, shop, failed…"></label>
      ${!this.entries ? html`<p class="muted" role="status">Loading…</p>` : !list.length
        ? html`<div class="panel empty"><strong>Nothing yet</strong>Events appear here as they happen.</div>`
        : html`<div class="table-wrap" tabindex="0"><table aria-live="polite"><thead><tr><th scope="col">When</th>
          <th scope="col">Event</th><th scope="col">Details</th><th scope="col" class="hide-narrow">From</th></tr></thead>
          <tbody>${list.map((e) => html`<tr><td>${timeTag(e.occurredAt)}</td>
            <td>${e.type.replace('dev.berth.', '')}</td><td>${summary(e)}</td>
            <td class="hide-narrow">${e.source.replace('/berth/', '')}</td></tr>`)}</tbody></table></div>`}
      ${nothing}`;
  }
}
customElements.define('b-activity', Activity);
