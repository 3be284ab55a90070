// PgBouncer in front of an instance: its pools (clients and server connections per database and login) and its
// statistics (transactions, queries, average times per database), as SHOW POOLS and SHOW STATS say, read again every
// 15 s while the page is open.
import { html, nothing } from 'lit';
import { BerthElement, bytes, timeTag } from '../ui.js';
import { get } from '../api.js';

/** PgBouncer's times are microseconds; shown in milliseconds. */
const ms = (us) => (us == null ? '—' : `${(Number(us) / 1000).toFixed(Number(us) < 10_000 ? 2 : 0)} ms`);
const wait = (p) => (p.maxwait == null ? '—' : ms(Number(p.maxwait) * 1_000_000 + Number(p.maxwait_us || 0)));

class PoolPanel extends BerthElement {
  static properties = { instance: { attribute: false }, pool: { state: true } };

  constructor() {
    super();
    this.pool = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this._timer = setInterval(() => this.load(true), 15_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._timer);
  }

  async load(quiet) {
    return this.fetchInto(async () => {
      this.pool = await get(`/api/instances/${this.instance.id}/pool`);
      this.error = null;
    }, quiet);
  }

  render() {
    const p = this.pool;
    // PgBouncer's own console shows up as a database named pgbouncer: not one of the instance's.
    const pools = (p?.pools || []).filter((x) => x.database !== 'pgbouncer');
    const stats = (p?.stats || []).filter((x) => x.database !== 'pgbouncer');
    return html`<section class="panel" aria-labelledby="pool-h-${this.instance.id}">
      <div class="row"><h2 id="pool-h-${this.instance.id}">Connection pool of ${this.instance.name}</h2>
        <span class="spacer"></span><button class="secondary small" @click=${() => this.load()}
          ?disabled=${this.busy}>Refresh</button></div>
      <p class="hint">PgBouncer on port ${this.instance.poolerPort}, pooling by transaction. Databases use it when
        their page says “through PgBouncer”.${p ? html` Read ${timeTag(p.readAt)}.` : nothing}</p>
      ${this.messages()}
      ${!p ? (this.error ? nothing : html`<p class="muted" role="status">Loading…</p>`) : html`
        <h3>Pools</h3>
        ${!pools.length ? html`<p class="muted">No pool yet: PgBouncer opens one at the first connection to a
          database.</p>` : html`<div class="table-wrap" tabindex="0"><table aria-label="Pools"><thead><tr>
          <th scope="col">Database</th><th scope="col">Login</th><th scope="col" class="num">Clients active</th>
          <th scope="col" class="num">Clients waiting</th><th scope="col" class="num">Servers active</th>
          <th scope="col" class="num">Servers idle</th><th scope="col" class="num hide-narrow">Longest wait</th>
          <th scope="col" class="hide-narrow">Mode</th></tr></thead>
          <tbody>${pools.map((x) => html`<tr><td>${x.database}</td><td><code>${x.user}</code>${x.user === 'berth_pgbouncer'
              ? html` <small class="muted">PgBouncer's password lookups</small>` : nothing}</td>
            <td class="num">${x.cl_active}</td><td class="num">${x.cl_waiting}</td><td class="num">${x.sv_active}</td>
            <td class="num">${x.sv_idle}</td><td class="num hide-narrow">${wait(x)}</td>
            <td class="hide-narrow">${x.pool_mode}</td></tr>`)}</tbody></table></div>`}
        <h3>Statistics</h3>
        ${!stats.length ? html`<p class="muted">Nothing counted yet.</p>` : html`<div class="table-wrap" tabindex="0">
          <table aria-label="Statistics"><thead><tr><th scope="col">Database</th>
          <th scope="col" class="num">Transactions</th><th scope="col" class="num">Queries</th>
          <th scope="col" class="num">Average transaction</th><th scope="col" class="num">Average query</th>
          <th scope="col" class="num hide-narrow">Average wait</th><th scope="col" class="num hide-narrow">Received</th>
          <th scope="col" class="num hide-narrow">Sent</th></tr></thead>
          <tbody>${stats.map((x) => html`<tr><td>${x.database}</td><td class="num">${x.total_xact_count}</td>
            <td class="num">${x.total_query_count}</td><td class="num">${ms(x.avg_xact_time)}</td>
            <td class="num">${ms(x.avg_query_time)}</td><td class="num hide-narrow">${ms(x.avg_wait_time)}</td>
            <td class="num hide-narrow">${bytes(x.total_received)}</td>
            <td class="num hide-narrow">${bytes(x.total_sent)}</td></tr>`)}</tbody></table></div>`}`}
    </section>`;
  }
}
customElements.define('b-pool', PoolPanel);
