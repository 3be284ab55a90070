// Connection strings of a database in every format, with copy buttons. Used after a create (shown once), after a
// reveal or a rotation, and without secrets (a placeholder password) on the details page.
import { html, nothing } from 'lit';
import { BerthElement } from '../ui.js';

const PLACEHOLDER = '<password>';

/** The formats for a database without its password (what anyone who may read it sees). */
export function withoutPassword(db) {
  const host = db.instance?.host || 'host';
  // A pooled database is reached through PgBouncer; transaction pooling cannot keep server-side prepared statements.
  const pooled = db.pooled && db.instance?.poolerPort;
  const port = pooled ? db.instance.poolerPort : db.instance?.port || 5432;
  const user = encodeURIComponent(db.username || db.role || 'user');
  const name = encodeURIComponent(db.database);
  const ssl = db.sslmode || 'prefer';
  return {
    uri: `postgresql://${user}:${PLACEHOLDER}@${host}:${port}/${name}?sslmode=${ssl}`,
    jdbc: `jdbc:postgresql://${host}:${port}/${name}?user=${user}&password=${PLACEHOLDER}&sslmode=${ssl}${pooled
      ? '&prepareThreshold=0' : ''}`,
    libpq: `host=${host} port=${port} dbname=${db.database} user=${db.username || db.role} password=${PLACEHOLDER} sslmode=${ssl}`,
    env: null,
  };
}

class ConnectionInfo extends BerthElement {
  static properties = { connection: { attribute: false }, secret: { type: Boolean }, label: {} };

  render() {
    const c = this.connection;
    if (!c) return nothing;
    const env = c.env ? Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join('\n') : null;
    const rows = [['URI', c.uri, 'uri'], ['JDBC', c.jdbc, 'jdbc'], ['libpq', c.libpq, 'libpq']];
    if (env) rows.push(['Env', env, 'env']);
    return html`<div class=${this.secret ? 'panel secret-once' : 'panel'} aria-label=${this.label || 'Connection'}>
      <h3>${this.label || 'Connection strings'}</h3>
      ${this.secret ? html`<p class="warning" role="note">This password is shown now only: copy it somewhere safe.
        Admins can reveal it again later (audited).</p>` : nothing}
      ${rows.map(([name, value, key]) => html`<div class="connection" data-format=${key}>
        <strong>${name}</strong><pre>${value}</pre>
        <b-copy .text=${value} label=${`Copy the ${name} connection string`}></b-copy></div>`)}
    </div>`;
  }
}
customElements.define('b-connection', ConnectionInfo);
