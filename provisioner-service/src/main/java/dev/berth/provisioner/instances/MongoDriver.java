package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceEndpoint;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * MongoDB from an image named in configuration (Debian has none; the official image's conventions: root user from
 * {@code MONGO_INITDB_ROOT_USERNAME} and {@code MONGO_INITDB_ROOT_PASSWORD_FILE}, data in /data/db, {@code mongosh}
 * for the health check). An app's database gets a user of its own with {@code readWrite} on it and nothing else
 * ({@code createUser} in that database, so it authenticates there: {@code authSource} in its URI). The Java driver
 * blocks: every call runs on a worker thread. Never run on the build host (no MongoDB image there): see the note in
 * the tests.
 */
@ApplicationScoped
public class MongoDriver implements EngineDriver {

    @Override
    public Engine engine() {
        return Engine.MONGODB;
    }

    @Override
    public String adminUser() {
        return "admin";
    }

    @Override
    public String dataPath() {
        return "/data/db";
    }

    @Override
    public Map<String, String> env(String passwordFile, Long memoryBytes) {
        return Map.of("MONGO_INITDB_ROOT_USERNAME", adminUser(), "MONGO_INITDB_ROOT_PASSWORD_FILE", passwordFile);
    }

    @Override
    public List<String> healthTest() {
        return List.of("CMD-SHELL", "mongosh --quiet --norc --eval 'db.adminCommand({ping: 1}).ok' | grep -q 1");
    }

    /** Data size (the sum of {@code dbStats.dataSize}) and current connections ({@code serverStatus}). */
    @Override
    public Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password) {
        return withClient(endpoint, password, client -> {
            long size = 0;
            for (String name : client.listDatabaseNames()) {
                size += number(client.getDatabase(name).runCommand(new Document("dbStats", 1)).get("dataSize"));
            }
            Document status = client.getDatabase("admin").runCommand(new Document("serverStatus", 1));
            int current = (int) number(status.get("connections", Document.class).get("current"));
            return new EngineFigures(size, Math.max(0, current - 1));
        });
    }

    @Override
    public Uni<Void> createDatabase(InstanceEndpoint admin, String adminPassword, AppLogin login) {
        return withClient(admin, adminPassword, client -> {
            MongoDatabase db = client.getDatabase(login.database());
            db.runCommand(new Document("createUser", login.user()).append("pwd", login.password())
                    .append("roles", List.of(new Document("role", "readWrite").append("db", login.database()))));
            try {
                db.createCollection("berth_created"); // a database exists once it holds a collection
            } catch (RuntimeException e) {
                db.runCommand(new Document("dropUser", login.user()));
                throw e;
            }
            return null;
        }).replaceWithVoid();
    }

    @Override
    public Uni<Void> dropDatabase(InstanceEndpoint admin, String adminPassword, String database, String user) {
        return withClient(admin, adminPassword, client -> {
            MongoDatabase db = client.getDatabase(database);
            if (user != null && db.runCommand(new Document("usersInfo", user)).getList("users", Document.class)
                    .size() > 0) {
                db.runCommand(new Document("dropUser", user));
            }
            db.drop();
            return null;
        }).replaceWithVoid();
    }

    @Override
    public Uni<Void> createEmpty(InstanceEndpoint admin, String adminPassword, String database) {
        return withClient(admin, adminPassword, client -> {
            client.getDatabase(database).createCollection("berth_created");
            return null;
        }).replaceWithVoid();
    }

    @Override
    public Uni<Void> setPassword(InstanceEndpoint admin, String adminPassword, String database, String user,
            String password) {
        return withClient(admin, adminPassword, client -> client.getDatabase(database)
                .runCommand(new Document("updateUser", user).append("pwd", password))).replaceWithVoid();
    }

    @Override
    public Uni<List<DatabaseFigures>> databaseFigures(InstanceEndpoint admin, String adminPassword) {
        return withClient(admin, adminPassword, client -> {
            List<DatabaseFigures> figures = new ArrayList<>();
            for (String name : client.listDatabaseNames()) {
                if (!List.of("admin", "config", "local").contains(name)) {
                    figures.add(new DatabaseFigures(name, (long) number(client.getDatabase(name)
                            .runCommand(new Document("dbStats", 1)).get("dataSize")), 0, 0));
                }
            }
            return figures;
        });
    }

    /** Runs blocking driver calls with a client of the admin ({@code authSource=admin}) on a worker thread. */
    private static <T> Uni<T> withClient(InstanceEndpoint endpoint, String password, Function<MongoClient, T> work) {
        return Uni.createFrom().item(() -> {
            MongoCredential credential = MongoCredential.createCredential(endpoint.adminUser(), "admin",
                    password.toCharArray());
            MongoClientSettings settings = MongoClientSettings.builder().credential(credential)
                    .applyToClusterSettings(c -> c.hosts(List.of(new ServerAddress(endpoint.host(), endpoint.port())))
                            .serverSelectionTimeout(10, TimeUnit.SECONDS))
                    .applyToSocketSettings(s -> s.connectTimeout(5, TimeUnit.SECONDS))
                    .build();
            try (MongoClient client = MongoClients.create(settings)) {
                return work.apply(client);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
