import { randomBytes } from 'node:crypto';

interface Session {
  token: string;
  expiresAt: number;
}

/** How long a console sign-in lasts (a working day); signing out or a control-plane restart ends it sooner. */
export const SESSION_TTL_MS = 8 * 3600_000;

/**
 * The console's sessions, in memory: a random id (the HttpOnly cookie's value) for the token the user
 * signed in with. The token never reaches the page's scripts, and a restart signs everyone out.
 */
export class ConsoleSessions {
  readonly #sessions = new Map<string, Session>();

  constructor(readonly now: () => number = Date.now) {}

  create(token: string): string {
    this.#prune();
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(id, { token, expiresAt: this.now() + SESSION_TTL_MS });
    return id;
  }

  /** The token behind a live session. */
  token(id: string): string | undefined {
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return s.token;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  #prune(): void {
    const now = this.now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
  }
}
