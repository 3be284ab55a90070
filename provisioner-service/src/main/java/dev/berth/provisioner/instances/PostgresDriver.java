package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceEndpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/** PostgreSQL in {@code localhost/berth/postgres}: superuser {@code postgres}, data in /data/postgres. */
@ApplicationScoped
public class PostgresDriver implements EngineDriver {

    @Inject
    Vertx vertx;

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    public String adminUser() {
        return "postgres";
    }

    @Override
    public String dataPath() {
        return "/data/postgres";
    }

    @Override
    public Map<String, String> env(String passwordFile, Long memoryBytes) {
        return EngineDriver.berthImageEnv("POSTGRES_PASSWORD_FILE", passwordFile, memoryBytes);
    }

    @Override
    public List<String> healthTest() {
        return BERTH_HEALTH;
    }

    @Override
    public Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password) {
        PgConnectOptions options = new PgConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
                .setUser(endpoint.adminUser()).setPassword(password).setDatabase("postgres")
                .setSslMode(SslMode.PREFER).setTrustAll(true).setConnectTimeout(5000);
        return PgConnection.connect(vertx, options).flatMap(connection -> connection.query(
                        "SELECT (SELECT sum(pg_database_size(oid))::bigint FROM pg_database), (SELECT count(*)::int "
                                + "FROM pg_stat_activity WHERE backend_type = 'client backend') - 1").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new EngineFigures(row.getLong(0), row.getInteger(1));
                })
                .eventually(connection::close));
    }

    @Override
    public Uni<Void> createDatabase(InstanceEndpoint admin, String adminPassword, AppLogin login) {
        return viaProvisioner();
    }

    @Override
    public Uni<Void> dropDatabase(InstanceEndpoint admin, String adminPassword, String database, String user) {
        return viaProvisioner();
    }

    @Override
    public Uni<Void> createEmpty(InstanceEndpoint admin, String adminPassword, String database) {
        return viaProvisioner();
    }

    @Override
    public Uni<Void> setPassword(InstanceEndpoint admin, String adminPassword, String database, String user,
            String password) {
        return viaProvisioner();
    }

    @Override
    public Uni<List<DatabaseFigures>> databaseFigures(InstanceEndpoint admin, String adminPassword) {
        return viaProvisioner();
    }

    private static <T> Uni<T> viaProvisioner() {
        return Uni.createFrom().failure(new IllegalStateException("PostgreSQL databases are made by "
                + "DatabaseProvisioner, not by the engine driver"));
    }
}
