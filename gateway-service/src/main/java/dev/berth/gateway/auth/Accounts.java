package dev.berth.gateway.auth;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.config.GatewayConfig;
import dev.berth.security.Roles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * People, their sessions and API keys. Passwords are stored as PBKDF2 hashes, API keys as SHA-256 digests (a key is
 * 32 random bytes, so a fast digest is enough); neither is ever returned after it is made. Blocking methods (they
 * hash passwords) must run on a worker thread.
 */
@ApplicationScoped
public class Accounts {

    /** A person as the API shows them. */
    public record User(UUID id, String username, String role, OffsetDateTime createdAt) {
    }

    /** An API key as listed (the key itself is shown once, when made). */
    public record ApiKey(UUID id, String name, String role, String prefix, String owner, OffsetDateTime createdAt,
            OffsetDateTime lastUsed, OffsetDateTime revokedAt) {
    }

    /** A new API key: the only time its secret is shown. */
    public record NewApiKey(UUID id, String name, String role, String key, OffsetDateTime createdAt) {
    }

    /**
     * Who an accepted credential belongs to; {@code role} is what the credential may do; {@code keyName} names the API
     * key used (null for a session).
     */
    public record Caller(UUID userId, String username, String role, String keyName) {
    }

    static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final int MIN_PASSWORD = 12;
    private static final String KEY_PREFIX = "berth_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool db;
    private final GatewayConfig config;
    private final Event<SignInChanged> changes;

    public Accounts(Pool db, GatewayConfig config, Event<SignInChanged> changes) {
        this.db = db;
        this.config = config;
        this.changes = changes;
    }

    // ---- people ---------------------------------------------------------------------------------------------

    public Uni<Long> count() {
        return db.query("SELECT count(*) FROM users").execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** Blocking. */
    public User create(String username, String password, String role) {
        return create(username, password, role, false);
    }

    /** Blocking. {@code mustChangePassword}: the first sign-in asks for a new password (a generated one). */
    public User create(String username, String password, String role, boolean mustChangePassword) {
        requireUsername(username);
        requirePassword(password);
        requireRole(role);
        String hash = Passwords.hash(password, config.auth().passwordIterations());
        RowSet<Row> rows = db.preparedQuery("INSERT INTO users (id, username, password_hash, role, must_change_password) VALUES ($1, $2, $3, $4, $5) "
                        + "ON CONFLICT (username) DO NOTHING RETURNING id, username, role, created_at")
                .execute(Tuple.of(UUID.randomUUID(), username, hash, role, mustChangePassword)).await().indefinitely();
        if (rows.size() == 0) {
            throw new ProblemException(ProblemType.CONFLICT, "a user named '" + username + "' exists");
        }
        return user(rows.iterator().next());
    }

    public Uni<List<User>> users() {
        return db.query("SELECT id, username, role, created_at FROM users ORDER BY username").execute()
                .map(rows -> {
                    List<User> users = new ArrayList<>();
                    rows.forEach(r -> users.add(user(r)));
                    return users;
                });
    }

    /** Blocking. Changes a role and/or a password; the last administrator keeps their role. */
    public User update(UUID id, String role, String password) {
        if (role != null) {
            requireRole(role);
        }
        if (password != null) {
            requirePassword(password);
        }
        String hash = password == null ? null : Passwords.hash(password, config.auth().passwordIterations());
        RowSet<Row> rows = db.withTransaction(tx -> lockAdmins(tx).chain(() -> tx.preparedQuery(
                        "UPDATE users SET role = coalesce($2, role), password_hash = coalesce($3, password_hash) "
                                + "WHERE id = $1 AND NOT ($2::text IS NOT NULL AND $2 <> 'admin' AND role = 'admin' "
                                + "AND (SELECT count(*) FROM users WHERE role = 'admin') = 1) "
                                + "RETURNING id, username, role, created_at")
                .execute(Tuple.of(id, role, hash)))
                .call(updated -> hash == null || updated.size() == 0 ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("UPDATE sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL")
                                .execute(Tuple.of(id)).replaceWithVoid()))
                .await().indefinitely();
        if (rows.size() == 0) {
            throw exists(id).await().indefinitely()
                    ? new ProblemException(ProblemType.CONFLICT, "this is the last administrator; make someone else "
                            + "admin first")
                    : notFound(id);
        }
        changes.fire(new SignInChanged(id, null));
        return user(rows.iterator().next());
    }

    /** Removes a person with their sessions and keys; never oneself, never the last administrator. */
    public Uni<Void> delete(UUID id, UUID caller) {
        if (id.equals(caller)) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.CONFLICT, "you cannot delete yourself"));
        }
        return db.withTransaction(tx -> lockAdmins(tx).chain(() -> tx.preparedQuery(
                        "DELETE FROM users WHERE id = $1 AND NOT (role = 'admin' "
                                + "AND (SELECT count(*) FROM users WHERE role = 'admin') = 1) RETURNING id")
                .execute(Tuple.of(id))))
                .invoke(rows -> {
                    if (rows.size() > 0) {
                        changes.fire(new SignInChanged(id, null));
                    }
                })
                .flatMap(rows -> rows.size() > 0 ? Uni.createFrom().voidItem() : exists(id).<Void>map(exists -> {
                    throw exists ? new ProblemException(ProblemType.CONFLICT, "this is the last administrator")
                            : notFound(id);
                }));
    }

    // ---- signing in -------------------------------------------------------------------------------------------

    /** Blocking. The caller whose password this is, or null (in the same time whether the user exists or not). */
    public Caller checkPassword(String username, String password) {
        RowSet<Row> rows = db.preparedQuery("SELECT id, username, role, password_hash FROM users WHERE username = $1")
                .execute(Tuple.of(username)).await().indefinitely();
        if (rows.size() == 0) {
            Passwords.decoy(password, config.auth().passwordIterations());
            return null;
        }
        Row r = rows.iterator().next();
        return Passwords.matches(password, r.getString("password_hash")) ? caller(r) : null;
    }

    /** Blocking. Changes one's own password after checking the current one; ends one's other sessions. */
    public boolean changePassword(UUID userId, String current, String next, UUID keepSession) {
        requirePassword(next);
        RowSet<Row> rows = db.preparedQuery("SELECT password_hash FROM users WHERE id = $1").execute(Tuple.of(userId))
                .await().indefinitely();
        if (rows.size() == 0 || !Passwords.matches(current, rows.iterator().next().getString(0))) {
            return false;
        }
        String hash = Passwords.hash(next, config.auth().passwordIterations());
        db.withTransaction(tx -> tx.preparedQuery("UPDATE users SET password_hash = $2, must_change_password = false "
                        + "WHERE id = $1")
                .execute(Tuple.of(userId, hash))
                .chain(() -> tx.preparedQuery("UPDATE sessions SET ended_at = now() WHERE user_id = $1 "
                        + "AND ended_at IS NULL AND id IS DISTINCT FROM $2").execute(Tuple.of(userId, keepSession))))
                .await().indefinitely();
        changes.fire(new SignInChanged(userId, null));
        return true;
    }

    /** Where a person is in their first run: a password to replace, the welcome wizard seen or not. */
    public record FirstRun(boolean passwordChangeRequired, boolean onboarded) {
    }

    public Uni<FirstRun> firstRun(UUID userId) {
        return db.preparedQuery("SELECT must_change_password, onboarded_at IS NOT NULL FROM users WHERE id = $1")
                .execute(Tuple.of(userId)).map(rows -> rows.size() == 0 ? new FirstRun(false, true)
                        : new FirstRun(rows.iterator().next().getBoolean(0), rows.iterator().next().getBoolean(1)));
    }

    /** The welcome wizard was finished or skipped: it is not shown again. */
    public Uni<Void> onboarded(UUID userId) {
        return db.preparedQuery("UPDATE users SET onboarded_at = coalesce(onboarded_at, now()) WHERE id = $1")
                .execute(Tuple.of(userId)).replaceWithVoid();
    }

    public Uni<Void> startSession(UUID session, UUID userId, Instant expiresAt) {
        return db.preparedQuery("INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)")
                .execute(Tuple.of(session, userId, expiresAt.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /** The person behind a live session (their current role, so a changed role counts at once), or null. */
    public Uni<Caller> session(UUID session) {
        return db.preparedQuery("SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
                        + "WHERE s.id = $1 AND s.ended_at IS NULL AND s.expires_at > now()")
                .execute(Tuple.of(session))
                .map(rows -> rows.size() == 0 ? null : caller(rows.iterator().next()));
    }

    public Uni<Void> endSession(UUID session) {
        return db.preparedQuery("UPDATE sessions SET ended_at = now() WHERE id = $1 AND ended_at IS NULL")
                .execute(Tuple.of(session)).replaceWithVoid()
                .invoke(() -> changes.fire(new SignInChanged(null, session)));
    }

    // ---- API keys ---------------------------------------------------------------------------------------------

    /** A new key for {@code owner} that may do what {@code role} may, never more than the owner. */
    public Uni<NewApiKey> createKey(Caller owner, String name, String role) {
        String wanted = role == null ? owner.role() : role;
        if (name == null || name.isBlank() || name.length() > 100) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.INVALID_REQUEST,
                    "name: give the key a name of 1 to 100 characters (e.g. where it is used)"));
        }
        if (!Roles.PEOPLE.contains(wanted)) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.INVALID_REQUEST,
                    "role: one of " + String.join(", ", Roles.PEOPLE)));
        }
        if (!Roles.atLeast(owner.role(), wanted)) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.FORBIDDEN,
                    "a key cannot do more than its owner: you are " + owner.role()));
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        return db.preparedQuery("INSERT INTO api_keys (id, user_id, name, key_hash, role, prefix) "
                        + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at")
                .execute(Tuple.from(List.of(id, owner.userId(), name.strip(), digest(key), wanted,
                        key.substring(0, KEY_PREFIX.length() + 4))))
                .map(rows -> new NewApiKey(id, name.strip(), wanted, key,
                        rows.iterator().next().getOffsetDateTime("created_at")));
    }

    /** The owner of a live key with what the key may do now: its role, capped by the owner's current role. */
    public Uni<Caller> byKey(String key) {
        return db.preparedQuery("SELECT u.id, u.username, u.role AS user_role, k.role AS key_role, k.id AS key_id, "
                        + "k.name AS key_name, k.last_used FROM api_keys k JOIN users u ON u.id = k.user_id "
                        + "WHERE k.key_hash = $1 AND k.revoked_at IS NULL")
                .execute(Tuple.of(digest(key)))
                .call(rows -> rows.size() == 0 ? Uni.createFrom().voidItem() : touch(rows.iterator().next()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    String keyRole = r.getString("key_role");
                    String userRole = r.getString("user_role");
                    return new Caller(r.getUUID("id"), r.getString("username"),
                            Roles.atLeast(userRole, keyRole) ? keyRole : userRole, r.getString("key_name"));
                });
    }

    public Uni<List<ApiKey>> keys(UUID owner) {
        return db.preparedQuery("SELECT k.id, k.name, k.role, k.prefix, u.username, k.created_at, k.last_used, "
                        + "k.revoked_at FROM api_keys k JOIN users u ON u.id = k.user_id "
                        + "WHERE $1::uuid IS NULL OR k.user_id = $1 ORDER BY k.created_at")
                .execute(Tuple.of(owner))
                .map(rows -> {
                    List<ApiKey> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(new ApiKey(r.getUUID("id"), r.getString("name"), r.getString("role"),
                            r.getString("prefix") + "…", r.getString("username"), r.getOffsetDateTime("created_at"),
                            r.getOffsetDateTime("last_used"), r.getOffsetDateTime("revoked_at"))));
                    return keys;
                });
    }

    /** Revokes a key of {@code owner} (any key when owner is null); false when there is no such live key. */
    public Uni<Boolean> revokeKey(UUID id, UUID owner) {
        return db.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL "
                        + "AND ($2::uuid IS NULL OR user_id = $2) RETURNING user_id")
                .execute(Tuple.of(id, owner)).map(rows -> {
                    rows.forEach(r -> changes.fire(new SignInChanged(r.getUUID("user_id"), null)));
                    return rows.rowCount() == 1;
                });
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** last_used is written at most once a minute per key, not on every request. */
    private Uni<Void> touch(Row r) {
        OffsetDateTime last = r.getOffsetDateTime("last_used");
        if (last != null && last.isAfter(OffsetDateTime.now().minusMinutes(1))) {
            return Uni.createFrom().voidItem();
        }
        return db.preparedQuery("UPDATE api_keys SET last_used = now() WHERE id = $1")
                .execute(Tuple.of(r.getUUID("key_id"))).replaceWithVoid();
    }

    private static Uni<Void> lockAdmins(io.vertx.mutiny.sqlclient.SqlConnection tx) {
        // Two demotions at once must not both see "another admin is left".
        return tx.query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").execute().replaceWithVoid();
    }

    private Uni<Boolean> exists(UUID id) {
        return db.preparedQuery("SELECT 1 FROM users WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.size() > 0);
    }

    private static ProblemException notFound(UUID id) {
        return new ProblemException(ProblemType.NOT_FOUND, "no user " + id);
    }

    static void requireUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "username: 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a "
                    + "letter or digit");
        }
    }

    static void requirePassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > 1024) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "password: at least " + MIN_PASSWORD + " characters");
        }
    }

    static void requireRole(String role) {
        if (!Roles.PEOPLE.contains(role)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "role: one of " + String.join(", ", Roles.PEOPLE));
        }
    }

    private static User user(Row r) {
        return new User(r.getUUID("id"), r.getString("username"), r.getString("role"),
                r.getOffsetDateTime("created_at"));
    }

    /** A person signed in with a session (columns id, username, role). */
    private static Caller caller(Row r) {
        return new Caller(r.getUUID("id"), r.getString("username"), r.getString("role"), null);
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
