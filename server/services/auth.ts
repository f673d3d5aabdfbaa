// Operators: first-run setup, sign-in with throttling, sessions (lucia v3 over
// our own adapter), password change.
import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import { z } from "zod";
import type { Db } from "../db/database.ts";
import { AppError } from "../errors.ts";

export const UsernameSchema = z
  .string()
  .trim()
  .min(3, "at least 3 characters")
  .max(64, "at most 64 characters")
  .regex(/^[a-zA-Z0-9._@-]+$/, "letters, digits and . _ @ - only");
export const PasswordSchema = z.string().min(10, "at least 10 characters").max(256, "at most 256 characters");

export const SetupInputSchema = z.object({ username: UsernameSchema, password: PasswordSchema });
export const LoginInputSchema = z.object({
  username: z.string().trim().min(1, "required").max(64),
  password: z.string().min(1, "required").max(256),
});
export const ChangePasswordInputSchema = z.object({
  currentPassword: z.string().min(1, "required").max(256),
  newPassword: PasswordSchema,
});

// OWASP's argon2id baseline (19 MiB, 2 passes).
const ARGON = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const SETUP_LOCK = 7_011_001;

export interface SessionUser {
  id: string;
  username: string;
  role: "admin" | "operator" | "viewer";
  locale: string;
  theme: string;
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof makeLucia>;
    DatabaseUserAttributes: Omit<SessionUser, "id">;
    DatabaseSessionAttributes: { ip: string | null; userAgent: string | null };
  }
}

function createAdapter(db: Db): Adapter {
  const userSelect = { id: true, username: true, role: true, locale: true, theme: true } as const;
  const toDbUser = (u: { id: string; username: string; role: SessionUser["role"]; locale: string; theme: string }): DatabaseUser => ({
    id: u.id,
    attributes: { username: u.username, role: u.role, locale: u.locale, theme: u.theme },
  });
  const toDbSession = (s: { id: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null }): DatabaseSession => ({
    id: s.id,
    userId: s.userId,
    expiresAt: s.expiresAt,
    attributes: { ip: s.ip, userAgent: s.userAgent },
  });
  return {
    async getSessionAndUser(sessionId) {
      const s = await db.session.findUnique({ where: { id: sessionId }, include: { user: { select: userSelect } } });
      if (!s) return [null, null];
      return [toDbSession(s), toDbUser(s.user)];
    },
    async getUserSessions(userId) {
      const rows = await db.session.findMany({ where: { userId } });
      return rows.map(toDbSession);
    },
    async setSession(session) {
      const attrs = session.attributes as { ip?: string | null; userAgent?: string | null };
      await db.session.create({
        data: { id: session.id, userId: session.userId, expiresAt: session.expiresAt, ip: attrs.ip ?? null, userAgent: attrs.userAgent ?? null },
      });
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.session.updateMany({ where: { id: sessionId }, data: { expiresAt } });
    },
    async deleteSession(sessionId) {
      await db.session.deleteMany({ where: { id: sessionId } });
    },
    async deleteUserSessions(userId) {
      await db.session.deleteMany({ where: { userId } });
    },
    async deleteExpiredSessions() {
      await db.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    },
  };
}

function makeLucia(db: Db, ttlHours: number) {
  return new Lucia(createAdapter(db), {
    sessionExpiresIn: new TimeSpan(ttlHours, "h"),
    sessionCookie: { name: "sy_session", expires: true, attributes: { sameSite: "lax", secure: false, path: "/" } },
    getUserAttributes: (a) => ({ username: a.username, role: a.role, locale: a.locale, theme: a.theme }),
  });
}

export interface Throttle {
  /** failures within the window before the key is locked */
  limit: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE = {
  user: { limit: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  ip: { limit: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} satisfies Record<string, Throttle>;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  secure: boolean;
}

export function createAuthService({ db, sessionTtlHours, throttle = DEFAULT_THROTTLE }: { db: Db; sessionTtlHours: number; throttle?: typeof DEFAULT_THROTTLE }) {
  const lucia = makeLucia(db, sessionTtlHours);

  const cookieFor = (sessionId: string | null, secure: boolean) => {
    const c = sessionId ? lucia.createSessionCookie(sessionId) : lucia.createBlankSessionCookie();
    c.attributes.secure = secure;
    c.attributes.httpOnly = true;
    return c.serialize();
  };

  async function lockedFor(key: string): Promise<number> {
    const row = await db.loginThrottle.findUnique({ where: { key } });
    if (!row?.lockedUntil) return 0;
    return Math.max(0, row.lockedUntil.getTime() - Date.now());
  }

  async function recordFailure(key: string, t: Throttle) {
    // one statement: count within the window, restart the window when it expired, lock at the limit
    await db.$executeRaw`
      INSERT INTO login_throttles (key, failures, window_start)
      VALUES (${key}, 1, now())
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_throttles.window_start < now() - make_interval(secs => ${t.windowMs / 1000}) THEN 1 ELSE login_throttles.failures + 1 END,
        window_start = CASE WHEN login_throttles.window_start < now() - make_interval(secs => ${t.windowMs / 1000}) THEN now() ELSE login_throttles.window_start END,
        locked_until = CASE WHEN (CASE WHEN login_throttles.window_start < now() - make_interval(secs => ${t.windowMs / 1000}) THEN 1 ELSE login_throttles.failures + 1 END) >= ${t.limit}
                            THEN now() + make_interval(secs => ${t.lockMs / 1000}) ELSE login_throttles.locked_until END`;
  }

  return {
    lucia,
    cookieName: lucia.sessionCookieName,
    cookieFor,

    async status() {
      const users = await db.user.count();
      return { setupRequired: users === 0 };
    },

    async setup(input: z.infer<typeof SetupInputSchema>, client: ClientInfo) {
      const passwordHash = await hash(input.password, ARGON);
      const user = await db.$transaction(async (tx) => {
        // serialises concurrent first-run attempts; only the first sees zero users
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
        if ((await tx.user.count()) > 0) {
          throw new AppError("FORBIDDEN", "Switchyard is already set up. Sign in with the administrator account instead.");
        }
        return tx.user.create({ data: { username: input.username, passwordHash, role: "admin" }, select: { id: true } });
      });
      const session = await lucia.createSession(user.id, { ip: client.ip, userAgent: client.userAgent });
      return { cookie: cookieFor(session.id, client.secure), userId: user.id };
    },

    async login(input: z.infer<typeof LoginInputSchema>, client: ClientInfo) {
      const userKey = `user:${input.username.toLowerCase()}`;
      const ipKey = client.ip ? `ip:${client.ip}` : undefined;
      const wait = Math.max(await lockedFor(userKey), ipKey ? await lockedFor(ipKey) : 0);
      if (wait > 0) {
        throw new AppError(
          "TOO_MANY_REQUESTS",
          `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s), or ask another administrator.`,
        );
      }
      const user = await db.user.findUnique({ where: { username: input.username }, select: { id: true, passwordHash: true } });
      // verify against a dummy hash when the user is unknown so timing does not reveal it
      const ok = user
        ? await verify(user.passwordHash, input.password)
        : (await verify(await getDummyHash(), input.password), false);
      if (!ok || !user) {
        await recordFailure(userKey, throttle.user);
        if (ipKey) await recordFailure(ipKey, throttle.ip);
        throw new AppError("UNAUTHENTICATED", "Wrong username or password.");
      }
      await db.loginThrottle.deleteMany({ where: { key: userKey } });
      await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      const session = await lucia.createSession(user.id, { ip: client.ip, userAgent: client.userAgent });
      return { cookie: cookieFor(session.id, client.secure) };
    },

    /** Validates a session id; returns a refreshed cookie when lucia extended it (sliding expiry). */
    async validate(sessionId: string | null, secure: boolean) {
      if (!sessionId) return { user: null, session: null, cookie: null };
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session) return { user: null, session: null, cookie: cookieFor(null, secure) };
      const sessionUser: SessionUser = { id: user.id, username: user.username, role: user.role, locale: user.locale, theme: user.theme };
      return { user: sessionUser, session, cookie: session.fresh ? cookieFor(session.id, secure) : null };
    },

    async logout(sessionId: string, secure: boolean) {
      await lucia.invalidateSession(sessionId);
      return { cookie: cookieFor(null, secure) };
    },

    async changePassword(userId: string, currentSessionId: string, input: z.infer<typeof ChangePasswordInputSchema>, client: ClientInfo) {
      const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
      if (!(await verify(user.passwordHash, input.currentPassword))) {
        throw new AppError("INVALID_ARGUMENT", "The current password is wrong.", {
          fields: [{ path: "currentPassword", message: "wrong password" }],
        });
      }
      const passwordHash = await hash(input.newPassword, ARGON);
      await db.user.update({ where: { id: userId }, data: { passwordHash } });
      // every other session of this user ends; this one is replaced
      await lucia.invalidateUserSessions(userId);
      void currentSessionId;
      const session = await lucia.createSession(userId, { ip: client.ip, userAgent: client.userAgent });
      return { cookie: cookieFor(session.id, client.secure) };
    },

    readSessionId: (cookieHeader: string | undefined) => lucia.readSessionCookie(cookieHeader ?? ""),
  };
}

// hash of a random string, only used to equalise timing for unknown users
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hash(randomBytes(16).toString("hex"), ARGON));

export type AuthService = ReturnType<typeof createAuthService>;
