// Orphans: databases whose app is gone, quarantined (login disabled) until their policy runs.
import { html, nothing } from 'lit';
import { BerthElement, confirmDialog, timeTag } from '../ui.js';
import { session } from '../session.js';
import { del, get, post } from '../api.js';

class Orphans extends BerthElement {
  static properties = { orphans: { state: true } };

  constructor() {
    super();
    this.orphans = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.liveReload(['ContainerRemoved', 'DatabaseDropped', 'ContainerCreated'], () => this.load(true));
  }

  async load(quiet) {
    const work = async () => (this.orphans = await get('/api/databases/orphans'));
    return this.fetchInto(work, quiet);
  }

  async reattach(o) {
    await this.run(() => post(`/api/databases/${o.id}/reattach`), `${o.database} can be used again; the next deploy `
      + `of ${o.app} binds it.`);
    await this.load(true);
  }

  async removeOrphan(o) {
    const ok = await confirmDialog({ title: `Delete ${o.database} now?`, body: [`${o.app} (${o.environment}) is gone;`
      + ' its database and login are dropped now instead of when the policy runs.', 'This cannot be undone.'],
    confirmLabel: 'Delete now', danger: true, typeToConfirm: o.database });
    if (!ok) return;
    await this.run(() => del(`/api/databases/${o.id}?policy=delete`), `${o.database} is being dropped.`);
    await this.load(true);
  }

  render() {
    const writer = session.can('write');
    return html`<h1 tabindex="-1">Orphans</h1>
      <p>Databases whose app container was removed. Their login is disabled; when the time is up, the app's policy
        runs (keep, delete, or back up then delete).</p>
      ${this.messages()}
      ${!this.orphans ? html`<p class="muted" role="status">Loading…</p>` : !this.orphans.length
        ? html`<div class="panel empty"><strong>No orphans</strong>Every database has its app.</div>`
        : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">App</th><th scope="col">Database</th>
          <th scope="col">Orphaned</th><th scope="col">Policy</th><th scope="col">Runs</th>
          ${writer ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
          <tbody>${this.orphans.map((o) => html`<tr><td>${o.app} <small class="muted">${o.environment}</small></td>
            <td><code>${o.database}</code></td><td>${timeTag(o.orphanedAt)}</td><td>${o.policy}</td>
            <td>${o.purgeAfter ? timeTag(o.purgeAfter) : 'never (kept)'}</td>
            ${writer ? html`<td><div class="row"><button class="small" @click=${() => this.reattach(o)}>Reattach</button>
              <button class="small" @click=${() => this.removeOrphan(o)}>Delete now</button></div></td>` : nothing}</tr>`)}
          </tbody></table></div>`}`;
  }
}
customElements.define('b-orphans', Orphans);
