package dev.berth.contracts.problem;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Whether a failed call to another Berth service failed because the service could not be reached or did not answer
 * in time — the only failures that are a 503 "try again" for the caller. Anything else (a bug, a bad answer) is the
 * caller's 500 with a logged id, not a disguised outage.
 */
public final class Unreachable {

    private Unreachable() {
    }

    public static boolean is(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException || cause instanceof SocketTimeoutException
                    || cause instanceof TimeoutException || cause instanceof ClosedChannelException) {
                return true;
            }
            String name = cause.getClass().getName();
            // Netty's and Vert.x's own names for the same things (not on this module's classpath).
            if (name.equals("io.netty.channel.ConnectTimeoutException")
                    || name.equals("io.netty.channel.AbstractChannel$AnnotatedConnectException")
                    || name.equals("io.vertx.core.http.ConnectionPoolTooBusyException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the service went away while it held the request (a crash, a kill -9): the connection closed before any
     * answer. Not counted by {@link #is}: for the gateway's forwarding that is a 502 (the service broke off), while a
     * caller whose request may have been carried out (the registry's create) treats it as in doubt. RESTEasy
     * Reactive's client reports it as a bare IOException with Vert.x's message and no cause.
     */
    public static boolean closedMidway(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getClass() == java.io.IOException.class && "Connection was closed".equals(cause.getMessage())
                    || cause.getClass().getName().equals("io.vertx.core.http.HttpClosedException")) {
                return true;
            }
        }
        return false;
    }

    /** The failure as the caller should see it: a 503 naming the service when it was unreachable, else unchanged. */
    public static Throwable describe(Throwable error, String service) {
        if (error instanceof ProblemException || !is(error)) {
            return error;
        }
        return new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE, "the " + service + " service cannot be "
                + "reached (" + error.getClass().getSimpleName() + "); is it running?");
    }
}
