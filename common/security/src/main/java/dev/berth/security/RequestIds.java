package dev.berth.security;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * {@code X-Request-Id} on every request: the caller's, when it is a sane token, else a new one. It is returned on
 * the response, passed on by the gateway and by every service-to-service call ({@link InternalAuthFilter}), and put
 * in the log context ({@code %X{requestId}} in the shared log format), so one id finds a request in every
 * service's log.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::tag);
    }

    private void tag(RoutingContext context) {
        String given = context.request().getHeader(HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        context.request().headers().set(HEADER, id);
        MDC.put(MDC_KEY, id);
        context.addHeadersEndHandler(ignored -> context.response().headers().set(HEADER, id));
        context.next();
    }

    /** This request's id, where a log context exists (a request's own thread or event loop), else null. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }
}
