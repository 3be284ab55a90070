// Every database at a glance: app, environment, instance, size, connections, status, last backup and verification;
// search and filters; a create form; live updates from the event stream.
import { html, nothing } from 'lit';
import { BerthElement, bytes, status, timeTag } from '../ui.js';
import { session } from '../session.js';
import { get, post } from '../api.js';
import './credentials.js';

/** All pages of a paged list (500 per page). */
export async function allPages(path) {
  const items = [];
  for (let page = 0; page < 40; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const answer = await get(`${path}${sep}size=500&page=${page}`);
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) break;
  }
  return items;
}

class Databases extends BerthElement {
  static properties = { items: { state: true }, backups: { state: true }, instances: { state: true },
    query: { state: true }, instance: { state: true }, state: { state: true }, created: { state: true },
    showCreate: { state: true }, loaded: { state: true } };

  constructor() {
    super();
    this.items = [];
    this.backups = {};
    this.instances = [];
    this.query = '';
    this.instance = '';
    this.state = '';
    this.created = null;
    this.showCreate = false;
    this.loaded = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.liveReload(['DatabaseProvisioned', 'DatabaseDropped', 'DatabaseDeletionRequested', 'CredentialsRotated',
      'BackupStarted', 'BackupCompleted', 'BackupFailed', 'BackupVerificationChanged', 'ContainerRemoved'],
    () => this.load(true));
  }

  async load(quiet) {
    const work = async () => {
      const [items, summary, instances] = await Promise.all([allPages('/api/databases'),
        get('/api/backups/summary').catch(() => []), allPages('/api/instances').catch(() => [])]);
      this.items = items;
      this.backups = Object.fromEntries(summary.map((s) => [s.databaseId, s]));
      this.instances = instances;
      this.loaded = true;
    };
    if (quiet) {
      try {
        await work();
      } catch (e) {
        this.error = e.message;
      }
    } else {
      await this.run(work);
    }
  }

  async create(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = { app: String(form.get('app')).trim(), environment: form.get('environment') };
    if (form.get('instance')) body.instance = form.get('instance');
    const created = await this.run(() => post('/api/databases', body));
    if (created) {
      this.created = created;
      e.target.reset();
      this.load(true);
    }
  }

  filtered() {
    const q = this.query.trim().toLowerCase();
    return this.items.filter((d) => (!q || [d.app, d.database, d.environment, d.instance?.name].some(
      (v) => (v || '').toLowerCase().includes(q)))
      && (!this.instance || d.instance?.id === this.instance)
      && (!this.state || d.status === this.state));
  }

  render() {
    const rows = this.filtered();
    const statuses = [...new Set(this.items.map((d) => d.status))].sort();
    return html`
      <div class="row"><h1 tabindex="-1">Databases</h1><span class="spacer"></span>
        ${session.can('write') ? html`<button class="primary" aria-expanded=${this.showCreate}
          @click=${() => (this.showCreate = !this.showCreate)}>New database</button>` : nothing}</div>
      ${this.messages()}
      ${this.created ? html`<div role="status"><p class="notice">Database <strong>${this.created.database}</strong>
        for <strong>${this.created.app}</strong> is ready. <a href="#/databases/${this.created.id}">Open it</a>.</p>
        <b-connection .connection=${this.created.connection} secret label="Connect with"></b-connection>
        <button class="secondary" @click=${() => (this.created = null)}>I have saved it</button></div>` : nothing}
      ${this.showCreate && session.can('write') ? this.createForm() : nothing}
      <form class="inline panel" role="search" @submit=${(e) => e.preventDefault()}>
        <label>Search <input type="search" .value=${this.query} placeholder="app, database, environment"
          @input=${(e) => (this.query = e.target.value)}></label>
        <label>Instance <select @change=${(e) => (this.instance = e.target.value)}>
          <option value="">All</option>${this.instances.map((i) => html`<option value=${i.id}>${i.name}</option>`)}
        </select></label>
        <label>Status <select @change=${(e) => (this.state = e.target.value)}>
          <option value="">All</option>${statuses.map((s) => html`<option>${s}</option>`)}</select></label>
        <span class="muted" role="status">${rows.length} of ${this.items.length}</span>
      </form>
      ${this.table(rows)}`;
  }

  createForm() {
    return html`<form class="inline panel" @submit=${this.create} aria-label="New database">
      <label>App <input name="app" required pattern="[a-z][a-z0-9-]{0,40}" placeholder="shop"
        title="lowercase letters, digits and hyphens, starting with a letter"></label>
      <label>Environment <select name="environment"><option>production</option><option>staging</option>
        <option>development</option></select></label>
      <label>Instance <select name="instance"><option value="">Default</option>
        ${this.instances.map((i) => html`<option value=${i.name}>${i.name}</option>`)}</select></label>
      <button class="primary" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create'}</button>
    </form>`;
  }

  table(rows) {
    if (!this.loaded) return html`<p class="muted" role="status">Loading databases…</p>`;
    if (!this.items.length) {
      return html`<div class="panel empty"><strong>No databases yet</strong>
        ${session.can('write') ? html`Press <em>New database</em> above, or <a href="#/apps">deploy an app</a> with
          <code>DATABASE_URL=</code> in its environment and Berth makes one for it.`
          : 'An operator or admin can create one, or deploy an app that needs one.'}</div>`;
    }
    if (!rows.length) return html`<div class="panel empty"><strong>Nothing matches</strong>Change the search or the
      filters.</div>`;
    return html`<div class="table-wrap" tabindex="0"><table>
      <caption class="visually-hidden">Databases</caption>
      <thead><tr><th scope="col">App</th><th scope="col">Database</th><th scope="col" class="hide-narrow">Environment</th>
        <th scope="col" class="hide-narrow">Instance</th><th scope="col" class="num">Size</th>
        <th scope="col" class="num hide-narrow">Connections</th><th scope="col">Status</th>
        <th scope="col">Last backup</th><th scope="col" class="hide-narrow">Verified restore</th></tr></thead>
      <tbody>${rows.map((d) => {
        const b = this.backups[d.id] || {};
        return html`<tr data-database=${d.database}>
          <td><a href="#/databases/${d.id}">${d.app}</a></td><td><code>${d.database}</code></td>
          <td class="hide-narrow">${d.environment}</td><td class="hide-narrow">${d.instance?.name}</td>
          <td class="num">${bytes(d.latest?.sizeBytes)}</td>
          <td class="num hide-narrow">${d.latest?.connections ?? '—'}</td><td>${status(d.status)}</td>
          <td>${b.lastStatus === 'failed' ? html`${status('failed')} ` : nothing}${timeTag(b.lastBackupAt
            || d.lastBackupAt)}</td>
          <td class="hide-narrow">${b.lastVerifyStatus ? html`${status(b.lastVerifyStatus)} ${timeTag(
            b.lastVerifiedAt)}` : '—'}</td></tr>`;
      })}</tbody></table></div>`;
  }
}
customElements.define('b-databases', Databases);
