// Backups across Berth: what is overdue, failed or never ran; the global schedule and retention; per-database
// overrides; sizes and durations per database; importing a pg_dump file.
import { html, nothing } from 'lit';
import { BerthElement, bytes, confirmDialog, duration, status, timeTag } from '../ui.js';
import { session } from '../session.js';
import { api, get, put } from '../api.js';
import { allPages } from './databases.js';
import { restoreSeen } from '../events.js';

class Backups extends BerthElement {
  static properties = { health: { state: true }, summary: { state: true }, settings: { state: true },
    databases: { state: true }, selected: { state: true }, schedule: { state: true }, history: { state: true },
    importing: { state: true } };

  constructor() {
    super();
    this.health = null;
    this.summary = [];
    this.settings = null;
    this.databases = [];
    this.selected = '';
    this.schedule = null;
    this.history = [];
    this.importing = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.liveReload(['BackupStarted', 'BackupCompleted', 'BackupFailed', 'BackupVerificationChanged'],
      () => this.load(true));
    this.live(['RestorePhaseChanged'], (name, data) => {
      const e = data?.data;
      if (this.importing && e && e.restoreId === this.importing.restoreId) this.followImport(e);
    });
  }

  async load(quiet) {
    const work = async () => {
      const [health, summary, settings, databases] = await Promise.all([get('/api/backups/health'),
        get('/api/backups/summary'), get('/api/backup-settings'), allPages('/api/databases')]);
      Object.assign(this, { health, summary, settings, databases });
      if (this.selected) await this.select(this.selected);
    };
    return this.fetchInto(work, quiet);
  }

  async select(id) {
    this.selected = id;
    if (!id) {
      this.schedule = null;
      this.history = [];
      return;
    }
    [this.schedule, this.history] = await Promise.all([get(`/api/backup-schedules/${id}`),
      get(`/api/databases/${id}/backups`)]);
  }

  async saveGlobal(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const saved = await this.run(() => put('/api/backup-settings', { enabled: f.get('enabled') === 'on',
      cron: String(f.get('cron')).trim(), retentionDays: Number(f.get('retention')), keepLast: Number(f.get('keepLast')) }),
    'Global backup settings saved.');
    if (saved) this.settings = saved;
  }

  async saveOverride(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const value = (k) => (String(f.get(k) || '').trim() === '' ? null : String(f.get(k)).trim());
    const saved = await this.run(() => put(`/api/backup-schedules/${this.selected}`, { enabled: f.get('enabled') === 'on',
      cron: value('cron'), retentionDays: value('retention') && Number(value('retention')),
      keepLast: value('keepLast') && Number(value('keepLast')) }), 'Saved for this database.');
    if (saved) this.schedule = saved;
  }

  async importFile(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const file = f.get('file');
    const target = f.get('target');
    const id = f.get('database');
    if (!file || !file.size) {
      this.error = 'Choose a file made with pg_dump -Fc.';
      return;
    }
    this.importing = { name: file.name, phase: 'UPLOADING', finished: false };
    if (target === 'in-place') {
      const name = this.databases.find((d) => d.id === id)?.database;
      const ok = await confirmDialog({ title: `Replace ${name}?`, body: [`Everything in ${name} is replaced by `
        + `${file.name}.`, 'A backup of the current state is taken first and put back if the import fails.'],
      confirmLabel: 'Replace', danger: true, typeToConfirm: name });
      if (!ok) {
        this.importing = null;
        return;
      }
    }
    const answer = await this.run(async () => {
      const response = await api('POST', `/api/databases/${id}/imports?target=${target}`, undefined,
        { raw: true, headers: { 'Content-Type': 'application/octet-stream' }, rawBody: file });
      return response.json();
    });
    if (answer) {
      this.importing = { ...this.importing, restoreId: answer.restore?.id, phase: answer.restore?.phase,
        backupId: answer.backup?.id };
      const seen = restoreSeen(answer.restore?.id);
      if (seen) this.followImport(seen);
      e.target.reset();
    } else {
      this.importing = null;
    }
  }

  /** A phase of the import's restore; a finished one never goes back to an earlier phase. */
  followImport(e) {
    if (this.importing.finished) return;
    this.importing = { ...this.importing, phase: e.phase, error: e.error, finished: e.finished };
    if (e.finished) {
      get(`/api/restores/${e.restoreId}`).then((job) => (this.importing = { ...this.importing,
        newDatabaseId: job.newDatabaseId, error: job.error })).catch(() => {});
    }
  }

  render() {
    const writer = session.can('write');
    const h = this.health;
    const byDb = Object.fromEntries(this.summary.map((s) => [s.databaseId, s]));
    const failed = this.summary.filter((s) => s.lastStatus === 'failed');
    const never = this.databases.filter((d) => d.status === 'ready' && !byDb[d.id]);
    return html`<h1 tabindex="-1">Backups</h1>${this.messages()}
      <div class="grid">
        <section class="panel" aria-labelledby="health-h"><h2 id="health-h">Health</h2>
          ${!h ? html`<p class="muted">Loading…</p>` : html`<dl class="facts">
            <dt>Scheduled backups</dt><dd>${h.backupsEnabled ? status('enabled') : status('disabled')}</dd>
            <dt>Databases on a schedule</dt><dd>${h.scheduledDatabases}</dd>
            <dt>Overdue</dt><dd>${h.overdue.length ? status(`${h.overdue.length} overdue`) : status('none overdue')}</dd>
            <dt>Last backup failed</dt><dd>${failed.length}</dd><dt>Never backed up</dt><dd>${never.length}</dd></dl>`}
        </section>
        ${this.globalForm(writer)}
      </div>
      ${h && (h.overdue.length || failed.length || never.length) ? html`<section class="panel" aria-labelledby="att-h">
        <h2 id="att-h">Needs attention</h2><ul>
        ${h.overdue.map((o) => html`<li><a href="#/databases/${o.databaseId}">${o.databaseName || o.databaseId}</a>:
          overdue since ${timeTag(o.dueAt)}${o.lastError ? html` — ${o.lastError}` : nothing}</li>`)}
        ${failed.map((s) => html`<li><a href="#/databases/${s.databaseId}">${s.databaseName || s.databaseId}</a>:
          the last backup failed (${s.lastError || 'no reason recorded'})</li>`)}
        ${never.map((d) => html`<li><a href="#/databases/${d.id}">${d.database}</a>: never backed up</li>`)}
        </ul></section>` : nothing}
      <section class="panel" aria-labelledby="per-h"><h2 id="per-h">Per database</h2>
        <label>Database <select @change=${(e) => this.select(e.target.value)}>
          <option value="">Choose…</option>${this.databases.map((d) => html`<option value=${d.id}
            ?selected=${d.id === this.selected}>${d.app} / ${d.database}</option>`)}</select></label>
        ${this.schedule ? this.overrideForm(writer) : nothing}
        ${this.selected ? html`<div class="grid">
          <b-bars label="Size of each backup" .format=${bytes} .bars=${this.history.filter((b) => b.sizeBytes != null)
            .slice(0, 20).map((b) => ({ label: new Date(b.startedAt).toLocaleString(), v: b.sizeBytes }))}></b-bars>
          <b-bars label="Time each backup took" .format=${duration} .bars=${this.history.filter((b) => b.durationMs != null)
            .slice(0, 20).map((b) => ({ label: new Date(b.startedAt).toLocaleString(), v: b.durationMs }))}></b-bars>
        </div>` : nothing}
      </section>
      ${writer ? this.importForm() : nothing}`;
  }

  globalForm(writer) {
    const s = this.settings;
    if (!s) return html`<section class="panel"><p class="muted">Loading settings…</p></section>`;
    return html`<section class="panel" aria-labelledby="global-h"><h2 id="global-h">Every database</h2>
      <form class="stack" @submit=${this.saveGlobal}>
        <label class="check"><input type="checkbox" name="enabled" ?checked=${s.enabled} ?disabled=${!writer}>
          Back up on a schedule</label>
        <label>Schedule <span class="hint">cron (minute hour day month weekday), or daily / weekly</span>
          <input name="cron" .value=${s.cron} ?disabled=${!writer} required></label>
        <label>Keep backups for <select name="retention" ?disabled=${!writer}>${[7, 14, 30, 90].map((d) => html`
          <option value=${d} ?selected=${d === s.retentionDays}>${d} days</option>`)}</select></label>
        <label>Always keep the last <input name="keepLast" type="number" min="0" .value=${String(s.keepLast)}
          ?disabled=${!writer}></label>
        ${writer ? html`<div class="actions"><button class="primary" ?disabled=${this.busy}>Save</button></div>`
          : nothing}
      </form></section>`;
  }

  overrideForm(writer) {
    const s = this.schedule;
    const o = s.overrides || {};
    return html`<form class="stack" @submit=${this.saveOverride} aria-label="Schedule of this database">
      <p class="hint">Now: <code>${s.cron}</code>, ${s.retentionDays} days, keep last ${s.keepLast}; next run
        ${timeTag(s.nextRunAt)}; last verified restore ${timeTag(s.lastVerifiedRestorableAt)}. Leave a field empty to
        use the global value.</p>
      <label class="check"><input type="checkbox" name="enabled" ?checked=${s.enabled} ?disabled=${!writer}>
        Back up this database on a schedule</label>
      <div class="row"><label>Schedule <input name="cron" .value=${o.cron || ''} placeholder=${s.cron}
        ?disabled=${!writer}></label>
        <label>Days kept <input name="retention" type="number" min="1" .value=${o.retentionDays ?? ''}
          ?disabled=${!writer}></label>
        <label>Keep last <input name="keepLast" type="number" min="0" .value=${o.keepLast ?? ''} ?disabled=${!writer}>
        </label></div>
      ${writer ? html`<div class="actions"><button class="primary" ?disabled=${this.busy}>Save for this database
        </button></div>` : nothing}
    </form>`;
  }

  importForm() {
    const i = this.importing;
    return html`<section class="panel" aria-labelledby="import-h"><h2 id="import-h">Import a pg_dump file</h2>
      <p class="hint">A custom-format dump (<code>pg_dump -Fc</code>). It is stored with its SHA-256 and checked with
        <code>pg_restore -l</code> before anything is touched; restoring in place takes a backup first.</p>
      <form class="stack" @submit=${this.importFile}>
        <label>File <input type="file" name="file" required accept=".dump,.backup,application/octet-stream"></label>
        <label>Database <select name="database" required>${this.databases.filter((d) => d.status === 'ready')
          .map((d) => html`<option value=${d.id}>${d.app} / ${d.database}</option>`)}</select></label>
        <fieldset class="choices"><legend>Restore it</legend>
          <label class="choice"><input type="radio" name="target" value="new" checked><span>Into a new database for
            the same app</span></label>
          <label class="choice"><input type="radio" name="target" value="in-place"><span>In place: replaces
            everything in the chosen database</span></label></fieldset>
        <div class="actions"><button class="primary" ?disabled=${this.busy}>Upload and restore</button></div>
      </form>
      <div role="status" aria-live="polite">${i ? html`<p><strong>${i.name}</strong>: ${i.error
        ? html`<span class="error">${i.error}</span>` : i.finished && i.phase === 'COMPLETED' ? html`imported.
          ${i.newDatabaseId ? html`<a href="#/databases/${i.newDatabaseId}">Open the new database</a>` : 'The database '
            + 'now holds the file\'s data.'}` : (i.phase || '').toLowerCase().replaceAll('_', ' ')}</p>` : nothing}
      </div></section>`;
  }
}
customElements.define('b-backups', Backups);
