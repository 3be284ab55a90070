package dev.berth.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The database engines Berth can run as dedicated instances: the port the server listens on inside its container
 * and the range host ports are leased from when an instance is published on the host.
 */
public enum Engine {
    POSTGRESQL(5432, 5432, 5499),
    MARIADB(3306, 3306, 3399),
    MYSQL(3306, 3306, 3399),
    REDIS(6379, 6379, 6399),
    MONGODB(27017, 27017, 27099);

    private final int port;
    private final int firstHostPort;
    private final int lastHostPort;

    Engine(int port, int firstHostPort, int lastHostPort) {
        this.port = port;
        this.firstHostPort = firstHostPort;
        this.lastHostPort = lastHostPort;
    }

    /** The name on the wire and in the catalog: {@code postgresql}, {@code mariadb}, … */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int port() {
        return port;
    }

    public int firstHostPort() {
        return firstHostPort;
    }

    public int lastHostPort() {
        return lastHostPort;
    }

    /** The engine of a wire name; {@link IllegalArgumentException} naming the engines there are. */
    @JsonCreator
    public static Engine of(String wire) {
        for (Engine engine : values()) {
            if (engine.wire().equals(wire)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("engine must be one of " + names() + ", not '" + wire + "'");
    }

    public static String names() {
        return Arrays.stream(values()).map(Engine::wire).collect(Collectors.joining(", "));
    }
}
