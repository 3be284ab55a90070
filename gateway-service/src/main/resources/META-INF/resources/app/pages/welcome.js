// The first-run wizard: the default instance and its health, the backup schedule and retention, a first database
// or app. Skippable; shown once per person (POST /api/auth/onboarded).
import { html, nothing } from 'lit';
import { BerthElement, status } from '../ui.js';
import { session } from '../session.js';
import { get, post, put } from '../api.js';
import { allPages } from './databases.js';
import './credentials.js';

const SCHEDULES = [
  { cron: '0 3 * * *', label: 'Every day at 03:00' },
  { cron: '0 */6 * * *', label: 'Every 6 hours' },
  { cron: '0 * * * *', label: 'Every hour' },
  { cron: '0 3 * * 0', label: 'Every Sunday at 03:00' },
];

class Welcome extends BerthElement {
  static properties = { step: { state: true }, instances: { state: true }, settings: { state: true },
    created: { state: true } };

  constructor() {
    super();
    this.step = 0;
    this.instances = null;
    this.settings = null;
    this.created = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.run(async () => {
      this.instances = await allPages('/api/instances');
      this.settings = await get('/api/backup-settings');
    });
  }

  updated(changed) {
    if (changed.has('step')) this.querySelector('h2')?.focus();
  }

  async finish() {
    await this.run(async () => {
      await post('/api/auth/onboarded');
      session.update({ ...session.me, onboarded: true });
    });
  }

  async saveBackups(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const saved = await this.run(() => put('/api/backup-settings', { enabled: form.get('enabled') === 'on',
      cron: form.get('cron'), retentionDays: Number(form.get('retention')) }));
    if (saved) {
      this.settings = saved;
      this.step = 2;
    }
  }

  async createDatabase(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    this.created = await this.run(() => post('/api/databases', { app: String(form.get('app')).trim(),
      environment: form.get('environment') }));
  }

  render() {
    const steps = ['Your database server', 'Backups', 'First database or app'];
    const writer = session.can('write');
    return html`<div class="center"><div class="card wide">
      <h1 tabindex="-1">Welcome to Berth</h1>
      <ol class="steps" aria-label="Steps">${steps.map((s, i) => html`<li aria-current=${i === this.step ? 'step'
        : nothing}>${i + 1}. ${s}</li>`)}</ol>
      ${this.messages()}
      ${this.step === 0 ? this.server() : this.step === 1 ? this.backups(writer) : this.first(writer)}
      <p class="actions"><button class="link" @click=${() => this.finish()}>Skip the tour</button></p>
    </div></div>`;
  }

  server() {
    const list = this.instances || [];
    return html`<h2 tabindex="-1">Your database server</h2>
      <p>Berth makes a database and a login for each app on an <em>instance</em>: a PostgreSQL server. The embedded
        run brought one up for you.</p>
      ${list.length ? html`<ul>${list.map((i) => html`<li><strong>${i.name}</strong> — ${i.host}:${i.port}
        ${status(i.status)}</li>`)}</ul>` : html`<p class="muted">${this.busy ? 'Loading…'
          : 'No instance yet: add one on the Instances page.'}</p>`}
      <div class="actions"><button class="primary" @click=${() => (this.step = 1)}>Next: backups</button></div>`;
  }

  backups(writer) {
    const s = this.settings || { enabled: true, cron: '0 3 * * *', retentionDays: 14 };
    const known = SCHEDULES.some((x) => x.cron === s.cron);
    return html`<h2 tabindex="-1">Backups</h2>
      <p>Every database gets this schedule unless you change it for one database later.</p>
      <form class="stack" @submit=${this.saveBackups}>
        <label class="check"><input type="checkbox" name="enabled" ?checked=${s.enabled} ?disabled=${!writer}>
          Back up every database on a schedule</label>
        <label>When <select name="cron" ?disabled=${!writer}>
          ${known ? nothing : html`<option value=${s.cron} selected>${s.cron}</option>`}
          ${SCHEDULES.map((x) => html`<option value=${x.cron} ?selected=${x.cron === s.cron}>${x.label}</option>`)}
        </select></label>
        <label>Keep backups for <select name="retention" ?disabled=${!writer}>
          ${[7, 14, 30, 90].map((d) => html`<option value=${d} ?selected=${d === s.retentionDays}>${d} days</option>`)}
        </select></label>
        <div class="actions">
          ${writer ? html`<button class="primary" ?disabled=${this.busy}>Save and go on</button>` : nothing}
          <button type="button" class="secondary" @click=${() => (this.step = 2)}>${writer ? 'Keep as it is'
            : 'Next'}</button>
        </div>
      </form>`;
  }

  first(writer) {
    return html`<h2 tabindex="-1">Your first database or app</h2>
      ${this.created ? html`<p class="notice" role="status">Database <strong>${this.created.database}</strong> is
        ready.</p><b-connection .connection=${this.created.connection} secret label="Connect with"></b-connection>`
        : writer ? html`<form class="inline" @submit=${this.createDatabase}>
          <label>App name <input name="app" required pattern="[a-z][a-z0-9-]{0,40}"
            title="lowercase letters, digits and hyphens" placeholder="shop"></label>
          <label>Environment <select name="environment">
            <option>production</option><option>staging</option><option>development</option></select></label>
          <button class="primary" ?disabled=${this.busy}>Create database</button></form>
          <p>Or <a href="#/apps" @click=${() => this.finish()}>deploy your first app</a>: give it an env variable such
            as <code>DATABASE_URL=</code> and Berth fills it in.</p>`
        : html`<p>You are a viewer: you can look at everything but not change it.</p>`}
      <div class="actions"><button class="primary" @click=${() => this.finish()}>Go to the dashboard</button></div>`;
  }
}
customElements.define('b-welcome', Welcome);
