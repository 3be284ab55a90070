package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.provisioner.engine.InstanceEndpoint;
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
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REDIS_PASSWORD_FILE", passwordFile);
        env.put("REDIS_ADMIN_USER", adminUser());
        if (memoryBytes != null) {
            env.put("BERTH_MEMORY_LIMIT", String.valueOf(memoryBytes));
        }
        return env;
    }

    @Override
    public List<String> healthTest() {
        return List.of("CMD", "/usr/local/bin/berth-health");
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
