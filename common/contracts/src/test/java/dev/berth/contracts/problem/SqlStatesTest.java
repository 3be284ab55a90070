package dev.berth.contracts.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * "The server went away" against "the statement was refused": the first makes a catalog write or an event handler
 * wait for PostgreSQL (ServerPauses), the second must fail at once.
 */
class SqlStatesTest {

    @Test
    void aRestartingOrUnreachableServerIsGone() {
        assertTrue(SqlStates.serverGone(new PgException("the database system is shutting down", "FATAL", "57P03",
                null)));
        assertTrue(SqlStates.serverGone(new PgException("terminating connection", "FATAL", "57P01", null)));
        assertTrue(SqlStates.serverGone(new ConnectException("Connection refused")));
        // Seen in CI (PostgresRestartIT): a catalog write on a pooled connection the restart had reset.
        assertTrue(SqlStates.serverGone(new CompletionException(new SocketException("Connection reset"))));
        assertTrue(SqlStates.serverGone(new IllegalStateException("Connection is not active now, current status: "
                + "CLOSED")));
    }

    @Test
    void anAddressThatDoesNotResolveIsAnUnavailableInstanceNotAnInternalError() {
        // Found against the Kubernetes mock: a Service name without DNS answered 500.
        Throwable translated = SqlStates.translate(new UnknownHostException("orders.berth-instances.svc"),
                "creating app_orders");
        ProblemException problem = assertInstanceOf(ProblemException.class, translated);
        assertTrue(problem.problem().is(ProblemType.INSTANCE_UNAVAILABLE), problem.problem().toString());
        assertEquals(503, problem.problem().status());
        assertTrue(problem.problem().detail().contains("orders.berth-instances.svc does not resolve"),
                problem.problem().detail());
        assertTrue(((ProblemException) SqlStates.translate(new RuntimeException("connect",
                new UnknownHostException("db")), "x")).problem().is(ProblemType.INSTANCE_UNAVAILABLE));
    }

    @Test
    void aRefusedStatementIsNot() {
        assertFalse(SqlStates.serverGone(new PgException("duplicate key value", "ERROR", "23505", null)));
        assertFalse(SqlStates.serverGone(new PgException("permission denied", "ERROR", "42501", null)));
        assertFalse(SqlStates.serverGone(new IllegalArgumentException("bad input")));
    }
}
