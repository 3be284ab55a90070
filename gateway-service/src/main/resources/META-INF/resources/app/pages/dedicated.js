// Dedicated instances: database servers Berth runs in containers (PostgreSQL, MariaDB, Redis; MySQL and MongoDB when
// their image is on the host). Run one (its admin password is shown once), start, stop, restart, read its figures,
// and delete it with or without its data volume. The list follows the Instance* events.
import { html, nothing } from 'lit';
import { BerthElement, bytes, confirmDialog, status } from '../ui.js';
import { session } from '../session.js';
import { del, get, post } from '../api.js';

const ENGINES = [
  { value: 'postgresql', label: 'PostgreSQL 15' }, { value: 'mariadb', label: 'MariaDB 10.11' },
  { value: 'redis', label: 'Redis 7' }, { value: 'mysql', label: 'MySQL 8 (image needed)' },
  { value: 'mongodb', label: 'MongoDB 7 (image needed)' }];

class Dedicated extends BerthElement {
  static properties = { instances: { attribute: false }, made: { state: true }, stats: { state: true },
    showForm: { state: true } };

  constructor() {
    super();
    this.instances = [];
    this.made = null;
    this.stats = {};
    this.showForm = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.liveReload(['InstanceCreated', 'InstanceStarted', 'InstanceStopped', 'InstanceHealthy', 'InstanceUnhealthy',
      'InstanceRemoved', 'InstanceReplaced'], () => this.changed());
  }

  changed() {
    this.dispatchEvent(new CustomEvent('instances-changed', { bubbles: true }));
  }

  async create(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = { name: f.get('name'), engine: f.get('engine'), environment: f.get('environment') };
    if (f.get('memoryLimit')) body.memoryLimit = f.get('memoryLimit');
    if (f.get('exposePort')) body.exposePort = true;
    if (f.get('port')) body.port = Number(f.get('port'));
    this.notice = 'Starting the container and waiting for its health check…';
    const made = await this.run(() => post('/api/instances', body));
    this.notice = null;
    if (made) {
      this.made = made;
      this.showForm = false;
      e.target.reset();
      this.changed();
    }
  }

  async act(i, action) {
    const done = await this.run(() => post(`/api/instances/${i.id}/${action}`), `${i.name}: ${action} done.`);
    if (done) this.changed();
  }

  /** PostgreSQL only: a standby on a new volume catches up, then takes the instance's name. */
  async replace(i) {
    const ok = await confirmDialog({ title: `Replace the container of ${i.name}?`, body: ['A new container from the '
      + 'image now configured is made as a streaming standby of this one, on a new volume. Once it has caught up, '
      + 'the old server stops cleanly, the new one is promoted and takes the name (and host port).',
    'Open connections are cut once, for about a second; apps reconnect to the same name. No confirmed write is lost. '
      + 'If anything fails before the switch, the old container carries on.'], confirmLabel: 'Replace' });
    if (!ok) return;
    const done = await this.run(() => post(`/api/instances/${i.id}/replace`),
      `${i.name} runs in a new container now.`);
    if (done) this.changed();
  }

  async toggleStats(i) {
    if (this.stats[i.id]) {
      this.stats = { ...this.stats, [i.id]: null };
      return;
    }
    const s = await this.run(() => get(`/api/instances/${i.id}/stats`));
    if (s) this.stats = { ...this.stats, [i.id]: s };
  }

  async remove(i) {
    const keep = await confirmDialog({ title: `Delete instance ${i.name}?`, body: 'The container goes, and the '
      + 'catalog forgets every database on it.', confirmLabel: 'Delete', danger: true, typeToConfirm: i.name,
    choices: [
      { value: 'false', label: 'Delete its data too', detail: `The volume ${i.container}-data is removed.` },
      { value: 'true', label: 'Keep its data volume', detail: `${i.container}-data stays on the host (podman volume `
        + 'ls); an instance of the same name is refused while it exists.' }] });
    if (!keep) return;
    await this.run(() => del(`/api/instances/${i.id}?keepVolume=${keep}&force=true`),
      `${i.name} deleted${keep === 'true' ? '; its volume is kept' : ''}.`);
    this.changed();
  }

  render() {
    const writer = session.can('write');
    const list = (this.instances || []).filter((i) => i.dedicated);
    return html`<section class="panel" aria-labelledby="dedicated-h"><div class="row">
      <h2 id="dedicated-h">Dedicated instances</h2><span class="spacer"></span>
      ${writer ? html`<button class="primary" aria-expanded=${this.showForm}
        @click=${() => (this.showForm = !this.showForm)}>Run an instance</button>` : nothing}</div>
      <p class="hint">A server of its own in a container, on the data network: apps reach it by its name.</p>
      ${this.messages()}
      ${this.made ? this.secretOnce(this.made) : nothing}
      ${this.showForm && writer ? this.form() : nothing}
      ${!list.length ? html`<p class="muted">No dedicated instances yet.</p>` : html`<div class="table-wrap" tabindex="0">
        <table><thead><tr><th scope="col">Name</th><th scope="col">Engine</th><th scope="col">Status</th>
          <th scope="col">Reached at</th><th scope="col" class="hide-narrow">On the host</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${list.map((i) => this.row(i, writer))}</tbody></table></div>`}</section>`;
  }

  row(i, writer) {
    const s = this.stats[i.id];
    const running = !['stopped', 'missing', 'creating', 'removing'].includes(i.status);
    return html`<tr><td>${i.name}<br><small class="muted">${i.environment}</small></td><td>${i.engine}
        <small class="muted">${i.version || ''}</small></td>
      <td>${status(i.status)}${i.statusDetail ? html`<br><small class="muted">${i.statusDetail}</small>` : nothing}</td>
      <td><code>${i.host}:${i.port}</code></td>
      <td class="hide-narrow">${i.hostPort ? html`<code>127.0.0.1:${i.hostPort}</code>` : html`<small class="muted">
        not published</small>`}</td>
      <td><div class="actions">
        <button class="small" @click=${() => this.toggleStats(i)} aria-expanded=${!!s}
          aria-label=${`Figures of ${i.name}`}>Figures</button>
        ${writer ? html`${running
          ? html`<button class="small" ?disabled=${this.busy} @click=${() => this.act(i, 'stop')}
              aria-label=${`Stop ${i.name}`}>Stop</button>
            <button class="small" ?disabled=${this.busy} @click=${() => this.act(i, 'restart')}
              aria-label=${`Restart ${i.name}`}>Restart</button>
            ${i.engine === 'postgresql' ? html`<button class="small" ?disabled=${this.busy}
              @click=${() => this.replace(i)} aria-label=${`Replace the container of ${i.name}`}>Replace</button>`
              : nothing}`
          : html`<button class="small" ?disabled=${this.busy} @click=${() => this.act(i, 'start')}
              aria-label=${`Start ${i.name}`}>Start</button>`}
          <button class="small danger" ?disabled=${this.busy} @click=${() => this.remove(i)}
            aria-label=${`Delete instance ${i.name}`}>Delete</button>` : nothing}</div>
        ${s ? html`<dl class="figures" aria-label=${`Figures of ${i.name}`}>
          <dt>CPU</dt><dd>${s.cpuPercent == null ? '–' : `${s.cpuPercent.toFixed(1)} %`}</dd>
          <dt>Memory</dt><dd>${s.memoryUsageBytes == null ? '–' : bytes(s.memoryUsageBytes)}</dd>
          <dt>Up for</dt><dd>${s.uptimeSeconds == null ? '–' : `${Math.round(s.uptimeSeconds / 60)} min`}</dd>
          <dt>Data</dt><dd>${s.sizeBytes == null ? '–' : bytes(s.sizeBytes)}</dd>
          <dt>Connections</dt><dd>${s.connections ?? '–'}</dd></dl>
          ${s.unavailable ? html`<small class="muted">${s.unavailable}</small>` : nothing}` : nothing}</td></tr>`;
  }

  form() {
    return html`<form class="stack" @submit=${this.create} aria-label="Run a dedicated instance">
      <div class="row"><label>Name <input name="name" required pattern="[a-z][a-z0-9]*(-[a-z0-9]+)*" maxlength="40"
        placeholder="shop"></label>
        <label>Engine <select name="engine">${ENGINES.map((e) => html`<option value=${e.value}>${e.label}</option>`)}
          </select></label>
        <label>Environment <select name="environment"><option>production</option><option>staging</option>
          <option>development</option></select></label></div>
      <div class="row"><label>Memory limit <input name="memoryLimit" placeholder="512m" pattern="\\d+(\\.\\d+)?\\s*[kmgtKMGT]?(i?[bB])?">
        </label>
        <label class="check"><input type="checkbox" name="exposePort"> Publish on 127.0.0.1</label>
        <label>Port <input name="port" type="number" min="1024" max="65535" placeholder="from the engine's range">
        </label></div>
      <p class="hint">The container is named name-environment-engine. Its admin password is made for it and shown
        once.</p>
      <div class="actions"><button class="primary" ?disabled=${this.busy}>Run</button></div></form>`;
  }

  secretOnce(made) {
    const c = made.connection;
    return html`<div class="panel secret-once" role="status"><p class="warning">Copy the admin password now: it is
      not shown again.</p>
      <div class="connection"><strong>${made.instance.name}</strong> as <code>${c.adminUser}</code>
        <pre>${c.adminPassword}</pre><b-copy .text=${c.adminPassword} label="Copy the admin password"></b-copy></div>
      <p>On the data network: <code>${c.host}:${c.port}</code>${c.hostPort ? html`; on this host:
        <code>127.0.0.1:${c.hostPort}</code>` : nothing}. Ready in ${made.admin.readyMillis} ms.</p>
      <button class="secondary" @click=${() => (this.made = null)}>I have saved it</button></div>`;
  }
}
customElements.define('b-dedicated', Dedicated);
