package dev.berth.provisioner.instances;

import dev.berth.provisioner.engine.InstanceEndpoint;
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
}
