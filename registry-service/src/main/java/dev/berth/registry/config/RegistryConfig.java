package dev.berth.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** All {@code berth.registry.*} settings; documented in the service README. */
@ConfigMapping(prefix = "berth.registry")
public interface RegistryConfig {

    Page page();

    DefaultInstance defaultInstance();

    Databases databases();

    Reconcile reconcile();

    Samples samples();

    /** The figures sampled for the dashboard's charts. */
    interface Samples {
        /** How often every app database's size, connections and transaction counter are recorded. */
        @WithDefault("60s")
        Duration interval();

        /** How long samples are kept. */
        @WithDefault("14d")
        Duration retention();
    }

    Apps apps();

    Orphans orphans();

    interface Page {
        /** Items per page when the request does not say. */
        @WithDefault("50")
        int defaultSize();

        /** Most items one page may hold. */
        @WithDefault("500")
        int maxSize();
    }

    /** PgBouncer in front of the default instance (a host install's, install/lib/pgbouncer.sh). */
    Pooler pooler();

    interface Pooler {
        /** Its port on the default instance's host; absent: no pooler, and {@code pooled: true} is refused. */
        Optional<Integer> port();

        /** Whether new databases on the default instance are pooled unless the request says otherwise. */
        @WithDefault("false")
        boolean defaultForNew();
    }

    /** The host PostgreSQL; listed as the shared instance {@code default} when {@code host} is set. */
    interface DefaultInstance {
        Optional<String> host();

        @WithDefault("5432")
        int port();

        @WithDefault("postgres")
        String adminUser();
    }

    interface Databases {
        /** {@code sslmode} written into connection strings unless the request says: prefer or require. */
        @WithDefault("prefer")
        String sslmode();

        /** Let creates claim a pre-created database from the provisioner's warm pool. */
        @WithDefault("true")
        boolean useWarmPool();

        /** Host apps should use in connection strings, when it differs from the instance's admin host. */
        Optional<String> connectHost();
    }

    interface Reconcile {
        /** How often the catalog is compared with the instances (also once at start). */
        @WithDefault("60s")
        Duration interval();

        /** A database still pending after this long is reported as stuck. */
        @WithDefault("5m")
        Duration stuckAfter();
    }

    interface Apps {
        /**
         * Detection rules: env variable name → binding format ({@code uri} or {@code jdbc}), optionally with the
         * engine it asks for ({@code REDIS_URL=uri:redis}). A variable named here and
         * left empty in an app's env gets the app's database in that format.
         */
        @WithDefault("DATABASE_URL=uri,POSTGRES_URL=uri,POSTGRES_URI=uri,POSTGRES_CONNECTION=uri,DB_CONNECTION=uri,"
                + "JDBC_DATABASE_URL=jdbc,SPRING_DATASOURCE_URL=jdbc,MYSQL_URL=uri:mariadb,MARIADB_URL=uri:mariadb,"
                + "REDIS_URL=uri:redis,MONGODB_URI=uri:mongodb,MONGO_URL=uri:mongodb")
        java.util.List<String> detect();

        /** The database host as containers reach it when the instance is on the host's loopback. */
        @WithDefault("host.containers.internal")
        String hostAlias();
    }

    interface Orphans {
        /** How long an orphaned database stays quarantined before its policy (delete, backup-then-delete) runs. */
        @WithDefault("7d")
        Duration grace();

        /** How often orphans past their grace are handled. */
        @WithDefault("60s")
        Duration sweepInterval();
    }
}
