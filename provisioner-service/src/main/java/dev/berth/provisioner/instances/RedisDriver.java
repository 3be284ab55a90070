package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceEndpoint;
import dev.berth.provisioner.engine.RedisAcl;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Redis in {@code localhost/berth/redis}: ACL user {@code admin}, the default user off, data in /data. */
@ApplicationScoped
public class RedisDriver implements EngineDriver {

    @Inject
    Vertx vertx;

    @Override
    public Engine engine() {
        return Engine.REDIS;
    }

    @Override
    public String adminUser() {
        return "admin";
    }

    @Override
    public String dataPath() {
        return "/data";
    }

    @Override
    public Map<String, String> env(String passwordFile, Long memoryBytes) {
        Map<String, String> env = EngineDriver.berthImageEnv("REDIS_PASSWORD_FILE", passwordFile, memoryBytes);
        env.put("REDIS_ADMIN_USER", adminUser());
        return env;
    }

    @Override
    public List<String> healthTest() {
        return BERTH_HEALTH;
    }

    @Override
    public Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password) {
        Redis client = client(endpoint, password);
        return client.send(Request.cmd(Command.INFO)).map(info -> {
            Map<String, String> fields = info(info.toString());
            long size = Long.parseLong(fields.getOrDefault("used_memory", "0"));
            int clients = Integer.parseInt(fields.getOrDefault("connected_clients", "1")) - 1;
            return new EngineFigures(size, Math.max(0, clients));
        }).eventually(client::close);
    }

    /** A client authenticated as {@code endpoint.adminUser()} (ACL AUTH with user and password); close it after. */
    Redis client(InstanceEndpoint endpoint, String password) {
        String uri = "redis://" + encode(endpoint.adminUser()) + ":" + encode(password) + "@" + endpoint.host() + ":"
                + endpoint.port();
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(1)
                .setMaxPoolWaiting(8));
    }

    @Override
    public Uni<Void> createDatabase(InstanceEndpoint admin, String adminPassword, AppLogin login) {
        Redis client = client(admin, adminPassword);
        return acl(client, RedisAcl.createUser(login.user(), login.password(), login.database()))
                .chain(() -> acl(client, List.of("SAVE"))
                        .onFailure().call(() -> acl(client, RedisAcl.deleteUser(login.user()))))
                .eventually(client::close);
    }

    /** Deletes the user and every key under the prefix (SCAN and UNLINK in batches: never KEYS on a live server). */
    @Override
    public Uni<Void> dropDatabase(InstanceEndpoint admin, String adminPassword, String database, String user) {
        Redis client = client(admin, adminPassword);
        Uni<Void> users = user == null ? Uni.createFrom().voidItem()
                : acl(client, RedisAcl.deleteUser(user)).chain(() -> acl(client, List.of("SAVE")));
        return users.chain(() -> unlinkFrom(client, "0", RedisAcl.keysOf(database)))
                .eventually(client::close);
    }

    /** A prefix needs nothing made: it exists as soon as a key has it. */
    @Override
    public Uni<Void> createEmpty(InstanceEndpoint admin, String adminPassword, String database) {
        RedisAcl.keysOf(database); // refuses what cannot be a prefix
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> setPassword(InstanceEndpoint admin, String adminPassword, String database, String user,
            String password) {
        Redis client = client(admin, adminPassword);
        return acl(client, RedisAcl.setPassword(user, password)).chain(() -> acl(client, List.of("SAVE")))
                .eventually(client::close);
    }

    /** Redis keeps no size or sessions per prefix: the figures are per instance only. */
    @Override
    public Uni<List<DatabaseFigures>> databaseFigures(InstanceEndpoint admin, String adminPassword) {
        return Uni.createFrom().item(List.of());
    }

    private static Uni<Void> acl(Redis client, List<String> args) {
        Request request = Request.cmd(Command.ACL);
        args.forEach(request::arg);
        return client.send(request).replaceWithVoid();
    }

    private static Uni<Void> unlinkFrom(Redis client, String cursor, String pattern) {
        return client.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(500))
                .flatMap(reply -> {
                    String next = reply.get(0).toString();
                    Request unlink = Request.cmd(Command.UNLINK);
                    reply.get(1).forEach(key -> unlink.arg(key.toString()));
                    Uni<Void> removed = reply.get(1).size() == 0 ? Uni.createFrom().voidItem()
                            : client.send(unlink).replaceWithVoid();
                    return removed.chain(() -> "0".equals(next) ? Uni.createFrom().voidItem()
                            : unlinkFrom(client, next, pattern));
                });
    }

    static Map<String, String> info(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
