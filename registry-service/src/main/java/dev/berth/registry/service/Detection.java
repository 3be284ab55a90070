package dev.berth.registry.service;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which env variables of an app ask for a database, and the env that answers them. A variable named by a rule
 * ({@code berth.registry.apps.detect}, {@code NAME=format} or {@code NAME=format:engine}) and left empty is bound;
 * one the user filled in is left as given. A rule with an engine ({@code REDIS_URL=uri:redis}) says which engine the
 * app needs; one without ({@code DATABASE_URL}) takes whatever the app's database is (PostgreSQL unless said). The
 * composed env adds the engine's companions ({@code DB_*} and {@code PG*}, {@code MYSQL_*}, {@code REDIS_*}; Spring's
 * username/password next to its URL) unless the user set them.
 */
@ApplicationScoped
public class Detection {

    public static final String URI = "uri";
    public static final String JDBC = "jdbc";

    /** One variable, the format its value takes, and the engine it asks for (null: any). */
    public record Binding(String variable, String format, String engine) {
    }

    private record Rule(String format, String engine) {
    }

    /** What a deploy with this env would do: {@code needed} when a variable asks for a database. */
    public record Preview(boolean needed, String engine, List<Binding> bindings, List<String> keptAsGiven,
            List<String> injected) {
    }

    @Inject
    RegistryConfig config;

    private volatile Map<String, Rule> rules;

    /** Variable name → format and engine, from configuration. */
    private Map<String, Rule> rules() {
        Map<String, Rule> current = rules;
        if (current == null) {
            Map<String, Rule> parsed = new LinkedHashMap<>();
            for (String rule : config.apps().detect()) {
                String[] parts = rule.split("=", 2);
                String[] value = (parts.length == 2 ? parts[1].trim() : URI).split(":", 2);
                String format = value[0];
                if (!format.equals(URI) && !format.equals(JDBC)) {
                    throw new IllegalStateException("berth.registry.apps.detect: format of " + parts[0]
                            + " must be uri or jdbc, not " + format);
                }
                String engine = value.length == 2 ? Engine.of(value[1].trim()).wire() : null;
                parsed.put(parts[0].trim(), new Rule(format, engine));
            }
            rules = current = Map.copyOf(parsed);
        }
        return current;
    }

    public List<Binding> detect(Map<String, String> env) {
        List<Binding> bindings = new ArrayList<>();
        env.forEach((name, value) -> {
            Rule rule = rules().get(name);
            if (rule != null && (value == null || value.isBlank())) {
                bindings.add(new Binding(name, rule.format(), rule.engine()));
            }
        });
        bindings.sort(java.util.Comparator.comparing(Binding::variable));
        return bindings;
    }

    public Preview preview(Map<String, String> env) {
        List<Binding> bindings = detect(env);
        List<String> kept = env.entrySet().stream()
                .filter(e -> rules().containsKey(e.getKey()) && e.getValue() != null && !e.getValue().isBlank())
                .map(Map.Entry::getKey).sorted().toList();
        List<String> injected = bindings.isEmpty() ? List.of()
                : new ArrayList<>(compose(bindings, ConnectionStrings.of(engineOf(bindings, null), "h", 1, "d", "u", "p",
                        "prefer"), env)
                        .keySet().stream().filter(k -> env.get(k) == null || env.get(k).isBlank()).sorted().toList());
        return new Preview(!bindings.isEmpty(), bindings.isEmpty() ? null : engineOf(bindings, null), bindings, kept,
                injected);
    }

    /**
     * The engine the bindings ask for: the one a rule names, else {@code fallback}, else PostgreSQL. Two different
     * engines in one app's env are refused: an app gets one database.
     */
    public static String engineOf(List<Binding> bindings, String fallback) {
        String engine = null;
        for (Binding b : bindings) {
            if (b.engine() != null && engine != null && !engine.equals(b.engine())
                    && !(MYSQL_FAMILY.contains(engine) && MYSQL_FAMILY.contains(b.engine()))) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "the env asks for two engines (" + engine
                        + " and " + b.engine() + "); Berth gives an app one database: fill in one of them yourself");
            }
            engine = engine == null ? b.engine() : engine;
        }
        return engine != null ? engine : fallback != null ? fallback : "postgresql";
    }

    private static final Set<String> MYSQL_FAMILY = Set.of("mariadb", "mysql");

    /** Bindings for a mode that provisions or binds without detection: the detected ones, else the engine's URL. */
    public List<Binding> detectOrDefault(Map<String, String> env) {
        return detectOrDefault(env, null);
    }

    public List<Binding> detectOrDefault(Map<String, String> env, String engine) {
        List<Binding> detected = detect(env);
        if (!detected.isEmpty()) {
            return detected;
        }
        String variable = engine == null ? "DATABASE_URL" : switch (engine) {
            case "redis" -> "REDIS_URL";
            case "mongodb" -> "MONGODB_URI";
            default -> "DATABASE_URL";
        };
        return List.of(new Binding(variable, URI, engine));
    }

    /** The env a container gets: the user's, with the bound variables and the companions filled in. */
    public static Map<String, String> compose(List<Binding> bindings, ConnectionStrings connection,
            Map<String, String> userEnv) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        for (Binding binding : bindings) {
            boolean jdbc = binding.format().equals(JDBC) && connection.jdbc() != null;
            env.put(binding.variable(), jdbc ? connection.jdbc() : connection.uri());
            if (binding.variable().equals("SPRING_DATASOURCE_URL")) {
                putUnlessGiven(env, userEnv, "SPRING_DATASOURCE_USERNAME", connection.env().get("DB_USER"));
                putUnlessGiven(env, userEnv, "SPRING_DATASOURCE_PASSWORD", connection.env().get("DB_PASSWORD"));
            }
        }
        connection.env().forEach((name, value) -> putUnlessGiven(env, userEnv, name, value));
        return env;
    }

    /** The env of an {@code external} binding: the user's URL in each bound variable. */
    public static Map<String, String> composeExternal(List<Binding> bindings, String url, Map<String, String> userEnv) {
        if (url == null || url.isBlank()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "database.url is required for mode external");
        }
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        bindings.forEach(b -> env.put(b.variable(), url));
        return env;
    }

    private static void putUnlessGiven(Map<String, String> env, Map<String, String> userEnv, String name,
            String value) {
        String given = userEnv.get(name);
        if (given == null || given.isBlank()) {
            env.put(name, value);
        }
    }
}
