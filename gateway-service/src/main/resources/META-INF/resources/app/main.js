// The dashboard's shell: sign-in gate, first run, navigation, and the page for the address (#/…).
import { html, nothing } from 'lit';
import { BerthElement } from './ui.js';
import { session } from './session.js';
import { get, post } from './api.js';
import { startLive, stopLive, liveState } from './events.js';
import './pages/sign-in.js';
import './pages/welcome.js';
import './pages/databases.js';
import './pages/database.js';
import './pages/apps.js';
import './pages/orphans.js';
import './pages/instances.js';
import './pages/backups.js';
import './pages/activity.js';
import './pages/people.js';

const PAGES = [
  { path: 'databases', label: 'Databases', tag: 'b-databases' },
  { path: 'apps', label: 'Apps', tag: 'b-apps' },
  { path: 'orphans', label: 'Orphans', tag: 'b-orphans' },
  { path: 'instances', label: 'Instances', tag: 'b-instances' },
  { path: 'backups', label: 'Backups', tag: 'b-backups' },
  { path: 'activity', label: 'Activity', tag: 'b-activity' },
  { path: 'audit', label: 'Audit', tag: 'b-audit', admin: true },
  { path: 'api-keys', label: 'API keys', tag: 'b-api-keys' },
  { path: 'users', label: 'Users', tag: 'b-users', admin: true },
  { path: 'account', label: 'My account', tag: 'b-change-password' },
];

function route() {
  const parts = (location.hash.replace(/^#\/?/, '') || 'databases').split('/');
  return { page: parts[0], id: parts[1] ? decodeURIComponent(parts[1]) : null };
}

class BerthApp extends BerthElement {
  static properties = { route: { state: true }, menuOpen: { state: true }, live: { state: true } };

  constructor() {
    super();
    this.route = route();
    this.menuOpen = false;
    this.live = false;
    this.onHash = () => {
      this.route = route();
      this.menuOpen = false;
      this.updateComplete.then(() => this.querySelector('main h1')?.focus());
    };
    this.onSession = () => this.sessionChanged();
    this.onLive = () => (this.live = liveState.connected);
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    session.addEventListener('change', this.onSession);
    liveState.addEventListener('change', this.onLive);
    this.sessionChanged();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    session.removeEventListener('change', this.onSession);
    liveState.removeEventListener('change', this.onLive);
  }

  async sessionChanged() {
    if (!session.token) {
      stopLive();
    } else if (!this.streaming) {
      startLive();
      // the role, first-run state and name as the server sees them now
      get('/api/auth/me').then((me) => session.update(me)).catch(() => {});
    }
    this.streaming = !!session.token;
    this.requestUpdate();
  }

  async signOut() {
    try {
      await post('/api/auth/logout');
    } catch (e) {
      // signed out here anyway
    }
    session.clear('You signed out.');
    location.hash = '#/databases';
  }

  render() {
    if (!session.token) return html`<b-sign-in></b-sign-in>`;
    const me = session.me || {};
    if (me.passwordChangeRequired) return html`<div class="center"><div class="card">
      <b-change-password required></b-change-password></div></div>`;
    if (me.onboarded === false) return html`<b-welcome></b-welcome>`;
    const pages = PAGES.filter((p) => !p.admin || session.can('admin'));
    const current = pages.find((p) => p.path === this.route.page) || pages[0];
    const detail = current.path === 'databases' && this.route.id;
    return html`
      <a class="skip" href="#main" @click=${(e) => { e.preventDefault(); this.querySelector('main h1')?.focus(); }}>
        Skip to content</a>
      <div class="shell">
        <header>
          <button class="menu-toggle secondary small" aria-expanded=${this.menuOpen} aria-controls="side-nav"
            @click=${() => (this.menuOpen = !this.menuOpen)}>Menu</button>
          <a class="brand" href="#/databases"><img src="/favicon.svg" alt="">Berth</a>
          <span class="spacer"></span>
          <span class="live ${this.live ? 'on' : ''}" role="status">${this.live ? 'Live' : 'Reconnecting…'}</span>
          <span class="user-name">${me.username} <span class="hide-narrow">(${me.role})</span></span>
          <button class="link" @click=${() => this.signOut()}>Sign out</button>
        </header>
        <nav class="side ${this.menuOpen ? 'open' : ''}" id="side-nav" aria-label="Main">
          <ul>${pages.map((p) => html`<li><a href="#/${p.path}"
            aria-current=${p === current ? 'page' : nothing}>${p.label}</a></li>`)}</ul>
        </nav>
        <main id="main">${detail ? html`<b-database .databaseId=${this.route.id}></b-database>`
          : this.page(current.tag)}</main>
      </div>`;
  }

  page(tag) {
    switch (tag) {
      case 'b-databases': return html`<b-databases></b-databases>`;
      case 'b-apps': return html`<b-apps></b-apps>`;
      case 'b-orphans': return html`<b-orphans></b-orphans>`;
      case 'b-instances': return html`<b-instances></b-instances>`;
      case 'b-backups': return html`<b-backups></b-backups>`;
      case 'b-activity': return html`<b-activity></b-activity>`;
      case 'b-audit': return html`<b-audit></b-audit>`;
      case 'b-api-keys': return html`<b-api-keys></b-api-keys>`;
      case 'b-users': return html`<b-users></b-users>`;
      default: return html`<b-change-password></b-change-password>`;
    }
  }
}
customElements.define('berth-app', BerthApp);
