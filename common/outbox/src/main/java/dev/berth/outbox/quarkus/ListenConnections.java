package dev.berth.outbox.quarkus;

import io.vertx.pgclient.PgConnectOptions;
import org.eclipse.microprofile.config.Config;

/**
 * Connection settings for a {@code LISTEN} connection of a service, taken from its own reactive datasource settings (a
 * pooled connection cannot listen: it is handed to someone else between queries).
 */
public final class ListenConnections {

    private ListenConnections() {
    }

    public static PgConnectOptions of(Config config) {
        String url = config.getValue("quarkus.datasource.reactive.url", String.class);
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:")
                ? url.substring("vertx-reactive:".length()) : url);
        options.setUser(config.getValue("quarkus.datasource.username", String.class));
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        return options;
    }
}
