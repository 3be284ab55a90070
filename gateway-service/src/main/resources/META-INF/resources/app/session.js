// Who is signed in. The token lives in sessionStorage: it ends with the tab, and the server can end it any time.
const KEY = 'berth.session';

class Session extends EventTarget {
  constructor() {
    super();
    const saved = sessionStorage.getItem(KEY);
    const parsed = saved ? JSON.parse(saved) : null;
    this.token = parsed?.token || null;
    this.me = parsed?.me || null;
  }

  get role() {
    return this.me?.role;
  }

  /** admin ⊃ operator ⊃ viewer */
  can(what) {
    const rank = { viewer: 0, operator: 1, admin: 2 };
    const need = { read: 0, write: 1, admin: 2 }[what];
    return this.me != null && rank[this.me.role] >= need;
  }

  signedIn(token, me) {
    this.token = token;
    this.me = me;
    this.save();
    this.dispatchEvent(new Event('change'));
  }

  update(me) {
    this.me = me;
    this.save();
    this.dispatchEvent(new Event('change'));
  }

  save() {
    sessionStorage.setItem(KEY, JSON.stringify({ token: this.token, me: this.me }));
  }

  /** Signed out here, or the server ended the sign-in. */
  clear(reason) {
    this.token = null;
    this.me = null;
    this.reason = reason || null;
    sessionStorage.removeItem(KEY);
    this.dispatchEvent(new Event('change'));
  }

  expired() {
    if (this.token) this.clear('Your sign-in has ended. Sign in again.');
  }
}

export const session = new Session();
