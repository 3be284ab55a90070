// One database: connection strings (reveal for admins, audited), live figures and charts, sessions, backups with
// their phases live, restore, verify, download, rotate, delete.
import { html, nothing } from 'lit';
import { BerthElement, bytes, confirmDialog, duration, status, timeTag } from '../ui.js';
import { session } from '../session.js';
import { del, download, get, patch, post } from '../api.js';
import { withoutPassword } from './credentials.js';
import { allPages } from './databases.js';
import { restoreSeen } from '../events.js';

const RESTORE_PHASES = {
  'in-place': ['REQUESTED', 'VERIFYING_CHECKSUM', 'PRE_RESTORE_BACKUP', 'RECREATING', 'RESTORING', 'COMPLETED'],
  new: ['REQUESTED', 'VERIFYING_CHECKSUM', 'CREATING_DATABASE', 'RESTORING', 'COMPLETED'],
};
const PHASE_LABEL = { REQUESTED: 'requested', VERIFYING_CHECKSUM: 'checking the file', PRE_RESTORE_BACKUP:
  'backing up first', CREATING_DATABASE: 'creating the database', RECREATING: 'emptying', RESTORING: 'restoring',
  COMPLETED: 'done', FAILED: 'failed', ROLLING_BACK: 'rolling back', ROLLED_BACK: 'rolled back' };

export function phases(list, current, failed) {
  const at = list.indexOf(current);
  return html`<ol class="phases" aria-label="Progress">${list.map((p, i) => html`<li class=${failed && i === at + 1
    ? 'failed' : i < at || (i === at && current === 'COMPLETED') ? 'done' : i === at ? 'now' : ''}>${PHASE_LABEL[p]
      || p.toLowerCase()}</li>`)}${failed ? html`<li class="failed">${PHASE_LABEL[failed] || failed}</li>` : nothing}
    </ol>`;
}

class DatabaseDetails extends BerthElement {
  static properties = { databaseId: {}, db: { state: true }, instance: { state: true }, backups: { state: true },
    revealed: { state: true }, samples: { state: true }, sessions: { state: true }, restore: { state: true },
    gone: { state: true } };

  constructor() {
    super();
    this.db = null;
    this.backups = [];
    this.revealed = null;
    this.samples = [];
    this.sessions = null;
    this.restore = null;
    this.gone = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    const mine = (name, data) => data?.subject === this.databaseId || data?.data?.databaseId === this.databaseId;
    // The row follows the event at once (what the event says), then the list is read again for the rest.
    this.live(['BackupStarted', 'BackupCompleted', 'BackupFailed'], (name, entry) => {
      if (mine(name, entry)) this.patchBackup(name, entry);
    });
    this.liveReload(['BackupStarted', 'BackupCompleted', 'BackupFailed', 'BackupVerificationChanged'],
      () => this.loadBackups(), mine);
    this.liveReload(['CredentialsRotated', 'DatabaseDeletionRequested'], () => this.load(true), mine);
    this.live(['DatabaseDropped'], (name, data) => {
      if (mine(name, data)) this.gone = true;
    });
    this.live(['RestorePhaseChanged'], (name, data) => {
      const e = data?.data;
      if (e && this.restore && e.restoreId === this.restore.id) this.followRestore(e);
    });
    this._timer = setInterval(() => this.loadFigures(), 60_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._timer);
  }

  async load(quiet) {
    const work = async () => {
      this.db = await get(`/api/databases/${this.databaseId}`);
      const instances = await allPages('/api/instances').catch(() => []);
      this.instance = instances.find((i) => i.id === this.db.instance?.id);
      await Promise.all([this.loadBackups(), this.loadFigures()]);
    };
    return this.fetchInto(work, quiet);
  }

  patchBackup(name, entry) {
    const e = entry.data;
    const patch = name === 'BackupStarted' ? { status: 'running' }
      : name === 'BackupCompleted' ? { status: 'completed', sizeBytes: e.sizeBytes, sha256: e.sha256,
        durationMs: e.durationMillis, finishedAt: entry.occurredAt }
        : { status: 'failed', error: e.errorSummary, finishedAt: entry.occurredAt };
    const known = this.backups.some((b) => b.id === e.backupId);
    this.backups = known ? this.backups.map((b) => (b.id === e.backupId ? { ...b, ...patch } : b))
      : [{ id: e.backupId, reason: e.reason, startedAt: entry.occurredAt, ...patch }, ...this.backups];
  }

  async loadBackups() {
    this.backups = await get(`/api/databases/${this.databaseId}/backups`).catch(() => []);
  }

  async loadFigures() {
    this.samples = await get(`/api/databases/${this.databaseId}/samples?hours=24`).catch(() => []);
    this.sessions = await get(`/api/databases/${this.databaseId}/sessions`).catch((e) => ({ error: e.message }));
  }

  async reveal() {
    const ok = await confirmDialog({ title: 'Reveal the credentials?', body: ['The password is shown on this page.',
      'Revealing is recorded in the audit log with your name.'], confirmLabel: 'Reveal' });
    if (!ok) return;
    this.revealed = await this.run(() => get(`/api/databases/${this.databaseId}/credentials`));
  }

  async backUpNow() {
    await this.run(() => post(`/api/databases/${this.databaseId}/backups`), 'Backup queued; it appears below.');
    await this.loadBackups();
  }

  async verify(b) {
    await this.run(() => post(`/api/databases/${this.databaseId}/backups/${b.id}/verify`),
      'Verification started: the backup is restored into a scratch database and compared.');
    await this.loadBackups();
  }

  async removeBackup(b) {
    const ok = await confirmDialog({ title: 'Delete this backup?', body: [`${b.fileName || b.id} from ${new Date(
      b.startedAt).toLocaleString()} is deleted from storage.`, 'This cannot be undone.'], confirmLabel: 'Delete backup',
    danger: true });
    if (!ok) return;
    await this.run(() => del(`/api/databases/${this.databaseId}/backups/${b.id}`), 'Backup deleted.');
    await this.loadBackups();
  }

  async startRestore(b) {
    const at = new Date(b.finishedAt || b.startedAt).toLocaleString();
    const target = await confirmDialog({ title: 'Restore this backup', body: `Backup of ${at} (${bytes(b.sizeBytes)}).`,
      choices: [
        { value: 'new', label: 'Into a new database', detail: `A new database for ${this.db.app} is made from the `
          + 'backup; this one is not touched.' },
        { value: 'in-place', label: `Replace ${this.db.database}`, detail: `Everything now in ${this.db.database} is `
          + `replaced by the backup of ${at}. Its sessions are ended. A backup of the current state is taken first `
          + 'and put back if the restore fails.' }],
      confirmLabel: 'Restore' });
    if (!target) return;
    if (target === 'in-place') {
      const sure = await confirmDialog({ title: `Replace ${this.db.database}?`, body: [`All data written to `
        + `${this.db.database} since ${at} is lost (the pre-restore backup keeps it).`], confirmLabel: 'Replace',
      danger: true, typeToConfirm: this.db.database });
      if (!sure) return;
    }
    const job = await this.run(() => post(`/api/databases/${this.databaseId}/restore`, { backupId: b.id, target }));
    if (!job) return;
    this.restore = { id: job.id, target, phase: job.phase, error: null, finished: false };
    // Phases that arrived before this answer did.
    const seen = restoreSeen(job.id);
    if (seen) this.followRestore(seen);
  }

  /** A phase from the stream; a finished restore never goes back to an earlier phase. */
  followRestore(e) {
    if (this.restore.finished) return;
    this.restore = { ...this.restore, phase: e.phase, error: e.error, finished: e.finished };
    if (e.finished) this.restoreFinished();
  }

  async restoreFinished() {
    const job = await get(`/api/restores/${this.restore.id}`).catch(() => null);
    if (job) this.restore = { ...this.restore, newDatabaseId: job.newDatabaseId, error: job.error };
    await this.loadBackups();
  }

  async rotate() {
    const answer = await confirmDialog({ title: 'Rotate the credentials', body: 'The app gets a new password.',
      choices: [
        { value: 'zero-downtime', label: 'Zero downtime', detail: 'A second login is made; the old one keeps working '
          + 'for the grace period below, then it is removed. Apps Berth runs are recreated with the new one.' },
        { value: 'immediate', label: 'Immediately', detail: 'The old password stops working now; connected sessions '
          + 'stay until they end.' }],
      amount: { label: 'Grace period for the old login (minutes, zero downtime only)', value: 15, min: 0, max: 1440 },
      confirmLabel: 'Rotate' });
    if (!answer) return;
    const mode = answer.choice;
    const rotated = await this.run(() => post(`/api/databases/${this.databaseId}/rotate-credentials`,
      { mode, graceSeconds: mode === 'zero-downtime' ? Math.max(0, answer.amount) * 60 : 0 }),
    'Credentials rotated.');
    if (rotated) {
      this.revealed = rotated;
      await this.load(true);
    }
  }

  /** PgBouncer on or off for this database: its strings change, its login and data do not. */
  async switchPooling() {
    const on = !this.db.pooled;
    const ok = await confirmDialog({ title: on ? `Connect ${this.db.app} through PgBouncer?`
      : `Connect ${this.db.app} directly?`,
    body: [on ? `The connection strings get PgBouncer's port (${this.instance?.poolerPort}); many app connections then `
      + 'share a few server connections. PgBouncer pools by transaction: session settings, advisory locks, LISTEN and '
      + 'server-side prepared statements do not survive between transactions (the JDBC URL turns them off).'
      : `The connection strings get the server's own port (${this.instance?.port}) again.`,
    'Apps Berth runs with this database are recreated with the new strings; other clients must read them again. '
      + 'The password and the data stay as they are.'],
    confirmLabel: on ? 'Use PgBouncer' : 'Connect directly' });
    if (!ok) return;
    const changed = await this.run(() => patch(`/api/databases/${this.databaseId}`, { pooled: on }),
      (r) => `${on ? 'Now pooled through PgBouncer.' : 'Now connected directly.'}${r.handedTo?.length
        ? ` Recreated with the new strings: ${r.handedTo.join(', ')}.` : ''}${Object.keys(r.notHandedTo || {}).length
        ? ` Not recreated: ${Object.entries(r.notHandedTo).map(([app, why]) => `${app} (${why})`).join(', ')}.`
        : ''}`);
    if (changed) {
      this.revealed = null;
      await this.load(true);
    }
  }

  async removeDatabase() {
    const policy = await confirmDialog({ title: `Delete ${this.db.database}?`, body: `What should happen to the data `
      + `of ${this.db.app} (${this.db.environment})?`,
    choices: [
      { value: 'backup-then-delete', label: 'Back up, then delete', detail: 'A final backup is taken and kept by the '
        + 'retention policy; then the database and its login are dropped.' },
      { value: 'keep', label: 'Keep the database', detail: 'Berth forgets it but the database and its data stay on '
        + 'the server (detached); you can drop it by hand later.' },
      { value: 'delete', label: 'Delete permanently', detail: 'The database, its login and its data are dropped now. '
        + 'Existing backups stay until retention removes them.' }],
    confirmLabel: 'Delete', danger: true });
    if (!policy) return;
    const ok = await this.run(() => del(`/api/databases/${this.databaseId}?policy=${policy}`),
      policy === 'backup-then-delete' ? 'A final backup is running; the database is dropped when it completes.'
        : policy === 'keep' ? 'Berth let go of the database; it stays on the server.' : 'The database is being dropped.');
    if (ok !== undefined) await this.load(true);
  }

  async endSession(s) {
    const ok = await confirmDialog({ title: `End session ${s.pid}?`, body: `${s.user} (${s.state || 'idle'}) is `
      + 'disconnected; an open transaction is rolled back.', confirmLabel: 'End session', danger: true });
    if (!ok) return;
    await this.run(() => del(`/api/databases/${this.databaseId}/sessions/${s.pid}`), `Session ${s.pid} ended.`);
    await this.loadFigures();
  }

  render() {
    if (!this.db) return html`<h1 tabindex="-1">Database</h1>${this.messages()}<p class="muted">${this.busy
      ? 'Loading…' : ''}</p>`;
    const d = this.db;
    const writer = session.can('write');
    const conn = this.revealed?.connection || withoutPassword({ ...d, instance: this.instance });
    return html`
      <p><a href="#/databases">← Databases</a></p>
      <div class="row"><h1 tabindex="-1">${d.app} <span class="muted">/ ${d.database}</span></h1>${status(d.status)}</div>
      ${this.gone ? html`<p class="warning" role="status">This database was dropped.</p>` : nothing}
      ${this.messages()}
      <div class="grid">
        <section class="panel" aria-labelledby="facts-h"><h2 id="facts-h">Facts</h2><dl class="facts">
          <dt>Environment</dt><dd>${d.environment}</dd><dt>Instance</dt><dd>${d.instance?.name}</dd>
          <dt>Login</dt><dd><code>${d.username || d.role}</code></dd><dt>Size</dt><dd>${bytes(d.stats?.sizeBytes)}</dd>
          <dt>Connections</dt><dd>${d.stats?.connections ?? '—'}${d.connectionLimit ? ` of ${d.connectionLimit}` : ''}</dd>
          ${this.instance?.poolerPort || d.pooled ? html`<dt>Pooling</dt><dd>${!d.pooled ? 'direct'
            : this.instance?.poolerPort ? html`through PgBouncer <small class="muted">(transaction pooling, port
              ${this.instance.poolerPort})</small>` : html`PgBouncer, which does not run now: direct until it
              does`}</dd>` : nothing}
          <dt>Last activity</dt><dd>${timeTag(d.stats?.lastActivityAt)}</dd><dt>Created</dt><dd>${timeTag(d.createdAt)}</dd>
          ${d.statsUnavailable ? html`<dt>Figures</dt><dd class="muted">${d.statsUnavailable}</dd>` : nothing}
        </dl></section>
        <section class="panel" aria-labelledby="charts-h"><h2 id="charts-h">Last 24 hours</h2>
          <b-chart label="Size" .points=${this.samples.map((s) => ({ t: s.at, v: s.sizeBytes }))} .format=${bytes}></b-chart>
          <b-chart label="Connections" .points=${this.samples.map((s) => ({ t: s.at, v: s.connections }))}></b-chart>
          <b-chart label="Transactions per second" .points=${this.samples.map((s) => ({ t: s.at, v: s.tps }))}></b-chart>
        </section>
      </div>
      <b-connection .connection=${conn} ?secret=${!!this.revealed}
        label=${this.revealed ? 'Connection strings (with the password)' : 'Connection strings'}></b-connection>
      <div class="actions">
        ${session.can('admin') && !this.revealed ? html`<button class="secondary" @click=${() => this.reveal()}>
          Reveal credentials (audited)</button>` : nothing}
        ${writer && (this.instance?.poolerPort || d.pooled) ? html`<button class="secondary" @click=${() => this.switchPooling()}>
          ${d.pooled ? 'Connect directly' : 'Use PgBouncer'}</button>` : nothing}
        ${writer ? html`<button class="secondary" @click=${() => this.rotate()}>Rotate credentials</button>
          <button class="danger" @click=${() => this.removeDatabase()}>Delete database…</button>` : nothing}
      </div>
      ${this.sessionsPanel(writer)}
      ${this.backupsPanel(writer)}`;
  }

  sessionsPanel(writer) {
    const s = this.sessions;
    return html`<section class="panel" aria-labelledby="sessions-h"><h2 id="sessions-h">Sessions now</h2>
      ${!s ? html`<p class="muted">Loading…</p>` : s.error ? html`<p class="muted">${s.error}</p>`
        : !s.length ? html`<p class="muted">No one is connected.</p>` : html`<div class="table-wrap" tabindex="0"><table>
        <thead><tr><th scope="col">PID</th><th scope="col">User</th><th scope="col">State</th>
          <th scope="col" class="hide-narrow">Client</th><th scope="col">Query started</th>
          <th scope="col" class="hide-narrow">Waiting for</th><th scope="col" class="hide-narrow">Query</th>
          ${writer ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
        <tbody>${s.map((x) => html`<tr><td>${x.pid}</td><td>${x.user}</td><td>${x.state || '—'}</td>
          <td class="hide-narrow">${x.application || ''} ${x.client || ''}</td><td>${timeTag(x.queryStart)}</td>
          <td class="hide-narrow">${x.waitEvent ? `${x.waitEventType}: ${x.waitEvent}` : '—'}</td>
          <td class="hide-narrow"><code>${x.query || ''}</code></td>
          ${writer ? html`<td><button class="small" @click=${() => this.endSession(x)}
            aria-label=${`End session ${x.pid}`}>End</button></td>` : nothing}</tr>`)}</tbody></table></div>`}
    </section>`;
  }

  backupsPanel(writer) {
    const r = this.restore;
    return html`<section class="panel" aria-labelledby="backups-h">
      <div class="row"><h2 id="backups-h">Backups</h2><span class="spacer"></span>
        ${writer ? html`<button class="primary" @click=${() => this.backUpNow()} ?disabled=${this.busy}>
          Back up now</button>` : nothing}</div>
      ${r ? html`<div class="panel" role="status" aria-live="polite"><h3>Restore ${r.target === 'new'
        ? 'into a new database' : 'in place'}</h3>
        ${phases(RESTORE_PHASES[r.target], r.phase === 'FAILED' || r.phase === 'ROLLED_BACK' || r.phase === 'ROLLING_BACK'
          ? RESTORE_PHASES[r.target][0] : r.phase, ['FAILED', 'ROLLED_BACK', 'ROLLING_BACK'].includes(r.phase)
          ? r.phase : null)}
        ${r.error ? html`<p class="error">${r.error}</p>` : nothing}
        ${r.finished && r.phase === 'COMPLETED' ? html`<p class="notice">Restore complete.${r.newDatabaseId
          ? html` <a href="#/databases/${r.newDatabaseId}">Open the new database</a>.` : ''}</p>` : nothing}
      </div>` : nothing}
      ${!this.backups.length ? html`<p class="muted">No backups yet.${writer ? ' Press “Back up now”.' : ''}</p>`
        : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">Taken</th><th scope="col">Status</th>
          <th scope="col" class="num">Size</th><th scope="col" class="hide-narrow">Took</th>
          <th scope="col" class="hide-narrow">SHA-256</th><th scope="col">Verified</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${this.backups.map((b) => this.backupRow(b, writer))}</tbody></table></div>`}
    </section>`;
  }

  backupRow(b, writer) {
    const done = b.status === 'completed';
    const v = b.verification;
    return html`<tr data-backup=${b.id}><td>${timeTag(b.finishedAt || b.startedAt)}<br><small class="muted">${b.reason}
      </small></td>
      <td>${b.status === 'running' ? html`${status('running')} <small>dumping</small>` : status(b.status)}
        ${b.error ? html`<br><small class="error-text">${b.error}</small>` : nothing}</td>
      <td class="num">${bytes(b.sizeBytes)}</td><td class="hide-narrow">${duration(b.durationMs)}</td>
      <td class="hide-narrow"><code title=${b.sha256 || ''}>${b.sha256 ? `${b.sha256.slice(0, 12)}…` : '—'}</code></td>
      <td>${v?.status ? html`${status(v.status)}${v.at ? html` ${timeTag(v.at)}` : nothing}` : '—'}</td>
      <td><div class="row">${done ? html`
        <button class="small" @click=${() => this.run(() => download(`/api/databases/${this.databaseId}/backups/${b.id}`,
          b.fileName || `${b.id}.dump`))}>Download</button>
        ${writer ? html`<button class="small" @click=${() => this.startRestore(b)}>Restore…</button>
          <button class="small" @click=${() => this.verify(b)} ?disabled=${v?.status === 'running'}>Verify now</button>
          <button class="small" @click=${() => this.removeBackup(b)}
            aria-label=${`Delete the backup of ${new Date(b.startedAt).toLocaleString()}`}>Delete</button>`
          : nothing}` : nothing}</div></td></tr>`;
  }
}
customElements.define('b-database', DatabaseDetails);
