// Instances: the database servers Berth provisions on. Register an external PostgreSQL (the connection is tested
// before it is saved), detect database containers and adopt them; dedicated instances have their own section; where
// PgBouncer fronts an instance, its pools and statistics.
import { html, nothing } from 'lit';
import { BerthElement, confirmDialog, status, timeTag } from '../ui.js';
import { session } from '../session.js';
import { del, get, post } from '../api.js';
import { allPages } from './databases.js';
import './dedicated.js';
import './pool.js';

class Instances extends BerthElement {
  static properties = { instances: { state: true }, candidates: { state: true }, showForm: { state: true },
    adopting: { state: true } };

  constructor() {
    super();
    this.instances = null;
    this.candidates = null;
    this.showForm = false;
    this.adopting = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load(quiet) {
    const work = async () => (this.instances = await allPages('/api/instances'));
    return this.fetchInto(work, quiet);
  }

  async register(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const saved = await this.run(() => post('/api/instances', { name: f.get('name'), host: f.get('host'),
      port: Number(f.get('port')), adminUser: f.get('adminUser'), adminPassword: f.get('adminPassword'),
      sslmode: f.get('sslmode') }), 'Connected and saved.');
    if (saved) {
      e.target.reset();
      this.showForm = false;
      await this.load(true);
    }
  }

  async detect() {
    this.candidates = await this.run(() => get('/api/instances/detect'));
  }

  async adopt(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const ok = await this.run(() => post(`/api/instances/adopt/${encodeURIComponent(this.adopting.containerId)}`,
      { name: f.get('name'), adminUser: f.get('adminUser'), adminPassword: f.get('adminPassword') }),
    'Adopted: Berth can now make databases on it.');
    if (ok) {
      this.adopting = null;
      this.candidates = null;
      await this.load(true);
    }
  }

  async removeInstance(i) {
    const ok = await confirmDialog({ title: `Remove instance ${i.name}?`, body: 'Berth forgets the server; nothing on '
      + 'it is dropped. Only an instance without app databases can be removed.', confirmLabel: 'Remove', danger: true });
    if (!ok) return;
    await this.run(() => del(`/api/instances/${i.id}`), `${i.name} removed.`);
    await this.load(true);
  }

  render() {
    const writer = session.can('write');
    return html`<div class="row"><h1 tabindex="-1">Instances</h1><span class="spacer"></span>
      ${writer ? html`<button class="secondary" @click=${() => this.detect()}>Detect containers</button>
        <button class="primary" aria-expanded=${this.showForm} @click=${() => (this.showForm = !this.showForm)}>
          Register a server</button>` : nothing}</div>
      ${this.messages()}
      ${this.showForm && writer ? html`<form class="stack panel" @submit=${this.register} aria-label="Register a server">
        <p class="hint">An existing PostgreSQL (13 or newer) with an admin login that may create roles and databases.
          Berth connects before it saves anything.</p>
        <label>Name <input name="name" required pattern="[a-z][a-z0-9-]{0,40}"></label>
        <div class="row"><label>Host <input name="host" required placeholder="127.0.0.1"></label>
          <label>Port <input name="port" type="number" value="5432" min="1" max="65535" required></label></div>
        <label>Admin user <input name="adminUser" required value="postgres" autocomplete="off"></label>
        <label>Admin password <input name="adminPassword" type="password" required autocomplete="new-password"></label>
        <label>TLS <select name="sslmode"><option>prefer</option><option>require</option><option>verify-full</option>
          <option>disable</option></select></label>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>Test and save</button></div>
      </form>` : nothing}
      ${this.candidates ? this.candidateList() : nothing}
      ${!this.instances ? html`<p class="muted" role="status">Loading…</p>` : !this.instances.length
        ? html`<div class="panel empty"><strong>No instances</strong>Register a PostgreSQL server or adopt a
          container.</div>` : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">Name</th>
          <th scope="col">Engine</th><th scope="col">Address</th><th scope="col">Status</th>
          <th scope="col" class="hide-narrow">Kind</th><th scope="col" class="hide-narrow">Added</th>
          ${writer ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
          <tbody>${this.instances.map((i) => html`<tr><td>${i.name}</td><td>${i.engine}</td>
            <td><code>${i.host}:${i.port}</code></td><td>${status(i.status)}</td>
            <td class="hide-narrow">${i.dedicated ? 'dedicated' : i.shared ? 'shared' : 'external'}</td>
            <td class="hide-narrow">${timeTag(i.createdAt)}</td>${writer ? html`<td>${i.dedicated ? nothing
              : html`<button class="small" @click=${() => this.removeInstance(i)}
              aria-label=${`Remove instance ${i.name}`}>Remove</button>`}</td>` : nothing}</tr>`)}</tbody></table></div>`}
      ${(this.instances || []).filter((i) => i.poolerPort).map((i) => html`<b-pool .instance=${i}></b-pool>`)}
      <b-dedicated .instances=${this.instances} @instances-changed=${() => this.load(true)}></b-dedicated>`;
  }

  candidateList() {
    const list = this.candidates;
    return html`<section class="panel" aria-labelledby="cand-h"><h2 id="cand-h">Database containers on this host</h2>
      ${!list.length ? html`<p class="muted">None found.</p>` : html`<ul>${list.map((c) => html`<li>
        <strong>${c.name}</strong> <code>${c.image}</code> ${c.engine} ${status(c.state)}
        ${c.adoptable ? html`<button class="small" @click=${() => (this.adopting = c)}>Adopt…</button>`
          : html`<small class="muted">${c.note}</small>`}</li>`)}</ul>`}
      ${this.adopting ? html`<form class="stack" @submit=${this.adopt} aria-label="Adopt a container">
        <h3>Adopt ${this.adopting.name}</h3>
        <label>Name <input name="name" required value=${this.adopting.name}></label>
        <label>Admin user <input name="adminUser" required value="postgres"></label>
        <label>Admin password <input name="adminPassword" type="password" required autocomplete="new-password"></label>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>Connect and adopt</button>
          <button type="button" class="secondary" @click=${() => (this.adopting = null)}>Cancel</button></div>
      </form>` : nothing}</section>`;
  }
}
customElements.define('b-instances', Instances);
