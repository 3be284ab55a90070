package dev.berth.contracts.problem;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * PostgreSQL SQLSTATEs → the problem Berth reports, for every service (one list of the states Berth understands). The server's own message is kept (it names objects, never
 * passwords: Berth never sends a password in a statement that can fail on a duplicate).
 */
public final class SqlStates {

    public static final String UNIQUE_VIOLATION = "23505";
    public static final String DUPLICATE_DATABASE = "42P04";
    public static final String DUPLICATE_OBJECT = "42710";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    public static final String ADMIN_SHUTDOWN = "57P01";
    /** A value PostgreSQL cannot take as text: a NUL byte, a character outside the encoding. */
    public static final String INVALID_BYTE_SEQUENCE = "22021";
    public static final String UNTRANSLATABLE_CHARACTER = "22P05";

    private static final Map<String, ProblemType> TYPES = Map.of(
            UNIQUE_VIOLATION, ProblemType.CONFLICT,
            DUPLICATE_DATABASE, ProblemType.CONFLICT,
            DUPLICATE_OBJECT, ProblemType.CONFLICT,
            TOO_MANY_CONNECTIONS, ProblemType.INSTANCE_UNAVAILABLE,
            ADMIN_SHUTDOWN, ProblemType.INSTANCE_UNAVAILABLE,
            "57P03", ProblemType.INSTANCE_UNAVAILABLE,
            "28P01", ProblemType.INSTANCE_REJECTED,
            "28000", ProblemType.INSTANCE_REJECTED,
            "3D000", ProblemType.INSTANCE_REJECTED);

    private SqlStates() {
    }

    /** Translates an error raised while talking to an instance; anything unknown stays as it is. */
    public static Throwable translate(Throwable error, String doing) {
        if (error instanceof ProblemException) {
            return error;
        }
        if (error instanceof PgException pg) {
            ProblemType type = TYPES.get(pg.getSqlState());
            if (type != null) {
                return new ProblemException(type, doing + ": " + pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")");
            }
            return new ProblemException(ProblemType.INTERNAL, doing + " failed: " + pg.getErrorMessage()
                    + " (SQLSTATE " + pg.getSqlState() + ")");
        }
        if (error instanceof ConnectException || error.getCause() instanceof ConnectException
                || error instanceof io.vertx.core.VertxException && String.valueOf(error.getMessage()).contains("onnection")) {
            return new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, doing + ": the database server cannot be "
                    + "reached (" + error.getMessage() + ")");
        }
        // An instance's address is a name (a container alias, a Kubernetes Service) that may not resolve from here.
        if (error instanceof UnknownHostException || error.getCause() instanceof UnknownHostException) {
            UnknownHostException unknown = error instanceof UnknownHostException u ? u
                    : (UnknownHostException) error.getCause();
            return new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, doing + ": the database server cannot be "
                    + "reached (its address " + unknown.getMessage() + " does not resolve from the provisioner)");
        }
        return error;
    }

    /**
     * Whether the failure says the server went away or is not taking connections yet — shutting down, starting up,
     * restarted, unreachable, the connection closed under the statement — rather than refusing the statement: worth
     * trying again once it is back.
     */
    public static boolean serverGone(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof PgException pg && pg.getSqlState() != null && (pg.getSqlState().startsWith("08")
                    || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            String message = String.valueOf(e.getMessage());
            // A statement sent on a connection the restart closed fails with Vert.x's own words, not a SQLSTATE:
            // "Connection is not active now, current status: CLOSED", "Connection was closed"; or with the socket's
            // own (SocketException: "Connection refused", "Connection reset", "Broken pipe").
            if (e instanceof SocketException || e instanceof io.vertx.sqlclient.ClosedConnectionException
                    || message.contains("Connection is not active")
                    || message.contains("onnection") && (message.contains("closed") || message.contains("CLOSED"))) {
                return true;
            }
        }
        return false;
    }

    public static boolean is(Throwable error, String sqlState) {
        return error instanceof PgException pg && sqlState.equals(pg.getSqlState());
    }
}
