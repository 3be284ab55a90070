package dev.berth.provisioner.instances;

import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.engine.MariadbDdl;
import java.util.ArrayList;
import java.util.List;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.mysqlclient.MySQLConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import jakarta.inject.Inject;

/** What MariaDB and MySQL share: the admin is {@code root}, data in /var/lib/mysql, the same admin SQL. */
abstract class MysqlFamilyDriver implements EngineDriver {

    @Inject
    Vertx vertx;

    @Override
    public String adminUser() {
        return "root";
    }

    @Override
    public String dataPath() {
        return "/var/lib/mysql";
    }

    @Override
    public Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password) {
        return connect(endpoint, password).flatMap(connection -> connection.query(
                        "SELECT (SELECT coalesce(sum(data_length + index_length), 0) FROM information_schema.tables), "
                                + "(SELECT count(*) FROM information_schema.processlist WHERE id <> connection_id() "
                                + "AND command <> 'Daemon')").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new EngineFigures(row.getNumeric(0).longValue(), row.getNumeric(1).intValue());
                })
                .eventually(connection::close));
    }

    /** One admin connection (TLS when the server offers it, as the Berth image does). */
    Uni<MySQLConnection> connect(InstanceEndpoint endpoint, String password) {
        MySQLConnectOptions options = new MySQLConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
                .setUser(endpoint.adminUser()).setPassword(password).setSslMode(SslMode.PREFERRED)
                .setTrustAll(true).setConnectTimeout(5000);
        return MySQLConnection.connect(vertx, options);
    }

    @Override
    public Uni<Void> createDatabase(InstanceEndpoint admin, String adminPassword, AppLogin login) {
        return connect(admin, adminPassword).flatMap(c -> run(c, MariadbDdl.createDatabase(login.database()))
                .chain(() -> run(c, MariadbDdl.createUser(login.user(), login.password(), login.connectionLimit()))
                        .onFailure().call(() -> run(c, MariadbDdl.dropDatabase(login.database()))))
                .chain(() -> run(c, MariadbDdl.grantAll(login.database(), login.user()))
                        .onFailure().call(() -> run(c, MariadbDdl.dropUser(login.user()))
                                .chain(() -> run(c, MariadbDdl.dropDatabase(login.database())))))
                .eventually(c::close));
    }

    @Override
    public Uni<Void> dropDatabase(InstanceEndpoint admin, String adminPassword, String database, String user) {
        return connect(admin, adminPassword).flatMap(c -> (user == null ? Uni.createFrom().voidItem()
                        : run(c, MariadbDdl.dropUser(user)))
                .chain(() -> run(c, MariadbDdl.dropDatabase(database)))
                .eventually(c::close));
    }

    @Override
    public Uni<Void> createEmpty(InstanceEndpoint admin, String adminPassword, String database) {
        return connect(admin, adminPassword).flatMap(c -> run(c, MariadbDdl.createDatabase(database))
                .eventually(c::close));
    }

    @Override
    public Uni<Void> setPassword(InstanceEndpoint admin, String adminPassword, String database, String user,
            String password) {
        return connect(admin, adminPassword).flatMap(c -> run(c, MariadbDdl.setPassword(user, password))
                .eventually(c::close));
    }

    @Override
    public Uni<List<DatabaseFigures>> databaseFigures(InstanceEndpoint admin, String adminPassword) {
        return connect(admin, adminPassword).flatMap(c -> c.query("SELECT s.schema_name, coalesce((SELECT "
                        + "sum(t.data_length + t.index_length) FROM information_schema.tables t WHERE t.table_schema = "
                        + "s.schema_name), 0), (SELECT count(*) FROM information_schema.processlist p WHERE p.db = "
                        + "s.schema_name) FROM information_schema.schemata s WHERE s.schema_name "
                        + "NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')").execute()
                .map(rows -> {
                    List<DatabaseFigures> figures = new ArrayList<>();
                    rows.forEach(r -> figures.add(new DatabaseFigures(r.getString(0), r.getNumeric(1).longValue(),
                            r.getNumeric(2).intValue(), 0))); // no per-database transaction counter here
                    return figures;
                })
                .eventually(c::close));
    }

    private static Uni<Void> run(MySQLConnection connection, String statement) {
        return connection.query(statement).execute().replaceWithVoid();
    }
}
