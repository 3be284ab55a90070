// Apps: a deploy form that previews, as you type env names, which variables Berth fills in; the list with status
// and start/stop/restart/remove.
import { html, nothing } from 'lit';
import { BerthElement, confirmDialog, status, timeTag } from '../ui.js';
import { session } from '../session.js';
import { del, get, post } from '../api.js';

/** "KEY=VALUE" lines → object; a line "KEY=" asks Berth to fill KEY in. */
export function parseEnv(text) {
  const env = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (key) env[key] = eq < 0 ? '' : line.slice(eq + 1);
  }
  return env;
}

function parsePorts(text) {
  return text.split(/[\s,]+/).filter(Boolean).map((p) => {
    const [host, container] = p.split(':');
    return container ? { hostPort: Number(host), containerPort: Number(container), hostIp: '127.0.0.1' }
      : { containerPort: Number(host) };
  });
}

class Apps extends BerthElement {
  static properties = { apps: { state: true }, preview: { state: true }, showForm: { state: true },
    removed: { state: true } };

  constructor() {
    super();
    this.apps = null;
    this.preview = null;
    this.showForm = false;
    this.removed = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.liveReload(['ContainerCreated', 'ContainerStarted', 'ContainerStopped', 'ContainerDied', 'ContainerRemoved'],
      () => this.load(true));
  }

  async load(quiet) {
    const work = async () => (this.apps = await get(`/api/apps${this.removed ? '?includeRemoved=true' : ''}`));
    return this.fetchInto(work, quiet);
  }

  async detect(text) {
    const names = Object.keys(parseEnv(text));
    clearTimeout(this._detect);
    this._detect = setTimeout(async () => {
      if (!names.length) {
        this.preview = null;
        return;
      }
      const query = names.map((n) => `env=${encodeURIComponent(n)}`).join('&');
      this.preview = await get(`/api/databases/detect?${query}`).catch((e) => ({ error: e.message }));
    }, 250);
  }

  async deploy(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = { name: String(form.get('name')).trim(), image: String(form.get('image')).trim(),
      env: parseEnv(String(form.get('env'))), ports: parsePorts(String(form.get('ports'))),
      database: { mode: form.get('mode') }, deletionPolicy: form.get('policy') };
    const command = String(form.get('command')).trim();
    if (command) body.command = command.split(/\s+/);
    const app = await this.run(() => post('/api/apps', body), (a) => `${a.name} is ${a.status}.`);
    if (app) {
      e.target.reset();
      this.preview = null;
      this.showForm = false;
      await this.load(true);
    }
  }

  async act(app, action) {
    if (action === 'remove') {
      const ok = await confirmDialog({ title: `Remove ${app.name}?`, body: [`The container of ${app.name} is removed.`,
        `Its database then follows the app's policy: ${app.deletionPolicy}.`], confirmLabel: 'Remove', danger: true });
      if (!ok) return;
      this.notice = `Removing ${app.name}: it gets 10 s to stop…`;
      await this.run(() => del(`/api/apps/${app.id}`), `${app.name} is being removed.`);
    } else {
      this.notice = `${app.name}: ${action}…`;
      await this.run(() => post(`/api/apps/${app.id}/${action}`), `${app.name}: ${action} done.`);
    }
    await this.load(true);
  }

  render() {
    const writer = session.can('write');
    return html`<div class="row"><h1 tabindex="-1">Apps</h1><span class="spacer"></span>
      ${writer ? html`<button class="primary" aria-expanded=${this.showForm}
        @click=${() => (this.showForm = !this.showForm)}>Deploy an app</button>` : nothing}</div>
      ${this.messages()}
      ${this.showForm && writer ? this.form() : nothing}
      <label class="check"><input type="checkbox" .checked=${this.removed}
        @change=${(e) => { this.removed = e.target.checked; this.load(); }}> Show removed apps</label>
      ${this.list(writer)}`;
  }

  form() {
    const p = this.preview;
    return html`<form class="stack panel" @submit=${this.deploy} aria-label="Deploy an app">
      <label>Name <input name="name" required pattern="[a-z][a-z0-9-]{0,40}" placeholder="shop"
        title="lowercase letters, digits and hyphens"></label>
      <label>Image <span class="hint">on this host (Berth does not pull)</span>
        <input name="image" required placeholder="localhost/berth/base:bookworm"></label>
      <label>Environment <span class="hint">one KEY=VALUE per line; leave a value empty (DATABASE_URL=) for Berth to
        fill it in</span><textarea name="env" @input=${(e) => this.detect(e.target.value)}
        placeholder="DATABASE_URL="></textarea></label>
      <div role="status" aria-live="polite" class="detect">${!p ? nothing : p.error ? html`<p class="error">${p.error}</p>`
        : p.needed ? html`<p class="notice">Berth will make a ${p.engine} database and fill in:
          ${p.bindings.map((b) => html`<code>${b.variable}</code> (${b.format}) `)}</p>`
          : html`<p class="muted">No variable asks for a database.</p>`}</div>
      <label>Ports <span class="hint">host:container, e.g. 8080:80 (host side on 127.0.0.1)</span>
        <input name="ports" placeholder="8080:80"></label>
      <label>Command <span class="hint">optional</span><input name="command" placeholder="sleep 600"></label>
      <label>Database <select name="mode"><option value="auto">Detect from the env (auto)</option>
        <option value="new">Always a new database</option><option value="none">No database</option></select></label>
      <label>When the app is removed <select name="policy"><option value="keep">Keep its database</option>
        <option value="backup-then-delete">Back up its database, then delete it</option>
        <option value="delete">Delete its database</option></select></label>
      <div class="actions"><button class="primary" ?disabled=${this.busy}>${this.busy ? 'Deploying…' : 'Deploy'}
        </button></div>
    </form>`;
  }

  list(writer) {
    if (!this.apps) return html`<p class="muted" role="status">Loading apps…</p>`;
    if (!this.apps.length) {
      return html`<div class="panel empty"><strong>No apps yet</strong>${writer ? html`Press <em>Deploy an app</em>,
        or point <code>docker</code>/<code>podman</code> at Berth's socket: a container whose env has
        <code>DATABASE_URL=</code> gets a database.` : 'An operator can deploy one.'}</div>`;
    }
    return html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">App</th><th scope="col" class="hide-narrow">
      Image</th><th scope="col">Status</th><th scope="col">Database</th><th scope="col" class="hide-narrow">Deployed</th>
      ${writer ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
      <tbody>${this.apps.map((a) => html`<tr data-app=${a.name}><td>${a.name}<br><small class="muted">${a.origin}
        </small></td><td class="hide-narrow"><code>${a.image}</code></td><td>${status(a.status)}
        ${a.statusDetail ? html`<br><small>${a.statusDetail}</small>` : nothing}</td>
        <td>${a.databaseId ? html`<a href="#/databases/${a.databaseId}">open</a>` : '—'}</td>
        <td class="hide-narrow">${timeTag(a.createdAt)}</td>
        ${writer ? html`<td><div class="row">${a.removedAt ? nothing : ['start', 'stop', 'restart'].map((x) => html`
          <button class="small" @click=${() => this.act(a, x)} aria-label=${`${x} ${a.name}`}>${x}</button>`)}
          ${a.removedAt ? nothing : html`<button class="small" @click=${() => this.act(a, 'remove')}
            aria-label=${`Remove ${a.name}`}>remove</button>`}</div></td>` : nothing}</tr>`)}</tbody></table></div>`;
  }
}
customElements.define('b-apps', Apps);
