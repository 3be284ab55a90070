package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceEndpoint;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * MongoDB from an image named in configuration (Debian has none; the official image's conventions: root user from
 * {@code MONGO_INITDB_ROOT_USERNAME} and {@code MONGO_INITDB_ROOT_PASSWORD_FILE}, data in /data/db, {@code mongosh}
 * for the health check). Berth runs, stops and removes such an instance; users, figures and backups inside it are not
 * built yet (no MongoDB image to test them against on the build host), and say so instead of pretending.
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

    @Override
    public Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password) {
        return notYet();
    }

    /** No client here: the health check (mongosh ping inside the container) is what proves the server answers. */
    @Override
    public Uni<Void> checkAdmin(InstanceEndpoint endpoint, String password) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> createDatabase(InstanceEndpoint admin, String adminPassword, AppLogin login) {
        return notYet();
    }

    @Override
    public Uni<Void> dropDatabase(InstanceEndpoint admin, String adminPassword, String database, String user) {
        return notYet();
    }

    @Override
    public Uni<Void> createEmpty(InstanceEndpoint admin, String adminPassword, String database) {
        return notYet();
    }

    @Override
    public Uni<Void> setPassword(InstanceEndpoint admin, String adminPassword, String user, String password) {
        return notYet();
    }

    @Override
    public Uni<List<DatabaseFigures>> databaseFigures(InstanceEndpoint admin, String adminPassword) {
        return Uni.createFrom().item(List.of());
    }

    private static <T> Uni<T> notYet() {
        return Uni.createFrom().failure(new ProblemException(ProblemType.NOT_IMPLEMENTED, "databases and users inside "
                + "a MongoDB instance are not built yet: Berth runs the server; connect as its admin"));
    }
}
