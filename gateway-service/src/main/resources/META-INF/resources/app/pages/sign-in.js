// Signing in, and changing one's password (required after a generated first password).
import { html, nothing } from 'lit';
import { BerthElement } from '../ui.js';
import { session } from '../session.js';
import { get, post } from '../api.js';

class SignIn extends BerthElement {
  async submit(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const username = String(form.get('username')).trim();
    const password = String(form.get('password'));
    await this.run(async () => {
      const answer = await post('/api/auth/login', { username, password });
      session.token = answer.token;
      const me = await get('/api/auth/me');
      session.signedIn(answer.token, me);
    });
  }

  render() {
    return html`<div class="center"><div class="card">
      <h1><img src="/favicon.svg" alt="" width="28" height="28"> Sign in to Berth</h1>
      ${session.reason ? html`<p class="notice" role="status">${session.reason}</p>` : nothing}
      ${this.messages()}
      <form class="stack" @submit=${this.submit}>
        <label>User name <input name="username" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button class="primary" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p class="hint">First time? The user is <code>admin</code>; its password is in the file <code>./berth up</code>
        printed (<code>secrets/admin.password</code> in Berth's state directory, <code>/var/lib/berth</code> by
        default).</p>
    </div></div>`;
  }
}
customElements.define('b-sign-in', SignIn);

class ChangePassword extends BerthElement {
  static properties = { required: { type: Boolean } };

  async submit(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const next = String(form.get('next'));
    if (next !== String(form.get('again'))) {
      this.error = 'The two new passwords differ.';
      return;
    }
    if (next.length < 12) {
      this.error = 'Use at least 12 characters.';
      return;
    }
    const done = await this.run(async () => {
      await post('/api/auth/password', { currentPassword: String(form.get('current')), newPassword: next });
      session.update(await get('/api/auth/me'));
      return true;
    }, 'Your password is changed; your other sessions were signed out.');
    if (done) e.target.reset();
  }

  render() {
    return html`
      <h1 tabindex="-1">${this.required ? 'Choose your own password' : 'My account'}</h1>
      ${this.required ? html`<p>You signed in with the generated first password. Choose a new one to go on; the
        old one stops working.</p>` : html`<p>Signed in as <strong>${session.me?.username}</strong>
        (${session.me?.role}).</p><h2>Change my password</h2>`}
      ${this.messages()}
      <form class="stack" @submit=${this.submit}>
        <label>Current password <input name="current" type="password" autocomplete="current-password" required></label>
        <label>New password <span class="hint">at least 12 characters</span>
          <input name="next" type="password" autocomplete="new-password" minlength="12" required></label>
        <label>New password again <input name="again" type="password" autocomplete="new-password" required></label>
        <button class="primary" ?disabled=${this.busy}>Change password</button>
      </form>`;
  }
}
customElements.define('b-change-password', ChangePassword);
