package dev.berth.contracts.problem;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Whether a failed call to another Berth service failed because the service could not be reached, did not answer
 * in time, or went away before answering — the only failures that are a 503 "try again" for the caller. Anything else (a bug, a bad answer) is the
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
            // RESTEasy Reactive's client reports a connection that closed before the answer (the service crashed or
            // was killed while it held the request) as a bare IOException with Vert.x's message and no cause.
            if (cause.getClass() == java.io.IOException.class && "Connection was closed".equals(cause.getMessage())) {
                return true;
            }
            String name = cause.getClass().getName();
            // Netty's and Vert.x's own names for the same things (not on this module's classpath).
            if (name.equals("io.netty.channel.ConnectTimeoutException")
                    || name.equals("io.netty.channel.AbstractChannel$AnnotatedConnectException")
                    || name.equals("io.vertx.core.http.ConnectionPoolTooBusyException")
                    // The service went away while it held the request (a crash, a kill -9): no answer came.
                    || name.equals("io.vertx.core.http.HttpClosedException")) {
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
