// People and keys: the audit log (admins), API keys (shown once), users (admins).
import { html, nothing } from 'lit';
import { BerthElement, confirmDialog, timeTag } from '../ui.js';
import { session } from '../session.js';
import { del, get, patch, post } from '../api.js';

class Audit extends BerthElement {
  static properties = { entries: { state: true }, actor: { state: true } };

  constructor() {
    super();
    this.entries = null;
    this.actor = '';
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  load() {
    const q = this.actor ? `&actor=${encodeURIComponent(this.actor)}` : '';
    return this.run(async () => (this.entries = await get(`/api/audit?limit=200${q}`)));
  }

  render() {
    return html`<h1 tabindex="-1">Audit log</h1>
      <p>Every change, every credential reveal and every sign-in, with who did it and from where.</p>${this.messages()}
      <form class="inline" @submit=${(e) => { e.preventDefault(); this.load(); }}>
        <label>Person <input .value=${this.actor} @input=${(e) => (this.actor = e.target.value)}></label>
        <button class="secondary">Show</button></form>
      ${!this.entries ? nothing : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">When</th>
        <th scope="col">Who</th><th scope="col">Did</th><th scope="col">Outcome</th>
        <th scope="col" class="hide-narrow">From</th></tr></thead>
        <tbody>${this.entries.map((e) => html`<tr><td>${timeTag(e.at)}</td><td>${e.actor}<br><small class="muted">
          ${e.via || ''}</small></td><td>${e.action} <code>${e.target || ''}</code></td><td>${e.outcome}</td>
          <td class="hide-narrow">${e.address || ''}</td></tr>`)}</tbody></table></div>`}`;
  }
}
customElements.define('b-audit', Audit);

class ApiKeys extends BerthElement {
  static properties = { keys: { state: true }, made: { state: true } };

  constructor() {
    super();
    this.keys = null;
    this.made = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  load() {
    return this.run(async () => (this.keys = await get('/api/api-keys')));
  }

  async create(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const made = await this.run(() => post('/api/api-keys', { name: f.get('name'), role: f.get('role') }));
    if (made) {
      this.made = made;
      e.target.reset();
      await this.load();
    }
  }

  async revoke(k) {
    const ok = await confirmDialog({ title: `Revoke the key “${k.name}”?`, body: 'Whatever uses it is refused from '
      + 'now on.', confirmLabel: 'Revoke', danger: true });
    if (!ok) return;
    await this.run(() => del(`/api/api-keys/${k.id}`), 'Key revoked.');
    await this.load();
  }

  render() {
    const roles = ['viewer', 'operator', 'admin'].filter((r) => ['viewer', 'operator', 'admin'].indexOf(r)
      <= ['viewer', 'operator', 'admin'].indexOf(session.role));
    return html`<h1 tabindex="-1">API keys</h1>
      <p>For scripts and CI: send the key as <code>X-API-Key</code>. A key can do what its role allows, never more than
        you.</p>${this.messages()}
      ${this.made ? html`<div class="panel secret-once" role="status"><p class="warning">Copy the key now: it is not
        shown again.</p><div class="connection"><strong>${this.made.name}</strong><pre>${this.made.key}</pre>
        <b-copy .text=${this.made.key} label="Copy the API key"></b-copy></div>
        <button class="secondary" @click=${() => (this.made = null)}>I have saved it</button></div>` : nothing}
      <form class="inline panel" @submit=${this.create} aria-label="New API key">
        <label>Name <input name="name" required maxlength="100" placeholder="ci-backups"></label>
        <label>Role <select name="role">${roles.map((r) => html`<option ?selected=${r === 'viewer'}>${r}</option>`)}
          </select></label>
        <button class="primary" ?disabled=${this.busy}>Make a key</button></form>
      ${!this.keys ? nothing : !this.keys.length ? html`<div class="panel empty"><strong>No keys</strong></div>`
        : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">Name</th><th scope="col">Role</th>
          <th scope="col">Starts with</th><th scope="col" class="hide-narrow">Owner</th><th scope="col">Last used</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${this.keys.map((k) => html`<tr><td>${k.name}</td><td>${k.role}</td><td><code>${k.prefix}</code></td>
            <td class="hide-narrow">${k.owner}</td><td>${k.revokedAt ? html`revoked ${timeTag(k.revokedAt)}`
              : timeTag(k.lastUsed)}</td><td>${k.revokedAt ? nothing : html`<button class="small"
              @click=${() => this.revoke(k)} aria-label=${`Revoke ${k.name}`}>Revoke</button>`}</td></tr>`)}
          </tbody></table></div>`}`;
  }
}
customElements.define('b-api-keys', ApiKeys);

class Users extends BerthElement {
  static properties = { users: { state: true } };

  constructor() {
    super();
    this.users = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  load() {
    return this.run(async () => (this.users = await get('/api/users')));
  }

  async create(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const made = await this.run(() => post('/api/users', { username: f.get('username'), password: f.get('password'),
      role: f.get('role') }), (u) => `${u.username} can sign in now.`);
    if (made) {
      e.target.reset();
      await this.load();
    }
  }

  async setRole(u, role) {
    await this.run(() => patch(`/api/users/${u.id}`, { role }), `${u.username} is now ${role}; their open pages `
      + 'follow at once.');
    await this.load();
  }

  async removeUser(u) {
    const ok = await confirmDialog({ title: `Remove ${u.username}?`, body: 'Their sessions and API keys end now.',
      confirmLabel: 'Remove', danger: true });
    if (!ok) return;
    await this.run(() => del(`/api/users/${u.id}`), `${u.username} removed.`);
    await this.load();
  }

  render() {
    return html`<h1 tabindex="-1">Users</h1>${this.messages()}
      <form class="inline panel" @submit=${this.create} aria-label="New user">
        <label>User name <input name="username" required pattern="[a-z0-9][a-z0-9._-]{0,62}" autocomplete="off"></label>
        <label>Password <span class="hint">12+ characters</span><input name="password" type="password" minlength="12"
          required autocomplete="new-password"></label>
        <label>Role <select name="role"><option>viewer</option><option>operator</option><option>admin</option>
          </select></label>
        <button class="primary" ?disabled=${this.busy}>Add</button></form>
      ${!this.users ? nothing : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">User</th>
        <th scope="col">Role</th><th scope="col" class="hide-narrow">Since</th>
        <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${this.users.map((u) => html`<tr><td>${u.username}</td><td><label class="visually-hidden"
          for=${`role-${u.id}`}>Role of ${u.username}</label><select id=${`role-${u.id}`}
          @change=${(e) => this.setRole(u, e.target.value)}>${['viewer', 'operator', 'admin'].map((r) => html`
          <option ?selected=${r === u.role}>${r}</option>`)}</select></td><td class="hide-narrow">${timeTag(u.createdAt)}
          </td><td>${u.username === session.me?.username ? html`<small class="muted">you</small>` : html`<button
          class="small" @click=${() => this.removeUser(u)} aria-label=${`Remove ${u.username}`}>Remove</button>`}</td></tr>`)}
        </tbody></table></div>`}`;
  }
}
customElements.define('b-users', Users);
