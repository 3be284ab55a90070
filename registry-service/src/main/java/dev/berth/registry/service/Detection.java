package dev.berth.registry.service;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which env variables of an app ask for a database, and the env that answers them. A variable named by a rule
 * ({@code berth.registry.apps.detect}) and left empty is bound; one the user filled in is left as given. The
 * composed env adds {@code DB_*} and libpq's {@code PG*} (and Spring's username/password next to its URL) unless the
 * user set them.
 */
@ApplicationScoped
public class Detection {

    public static final String URI = "uri";
    public static final String JDBC = "jdbc";

    /** One variable and the format its value takes. */
    public record Binding(String variable, String format) {
    }

    /** What a deploy with this env would do: {@code needed} when a variable asks for a database. */
    public record Preview(boolean needed, String engine, List<Binding> bindings, List<String> keptAsGiven,
            List<String> injected) {
    }

    @Inject
    RegistryConfig config;

    private volatile Map<String, String> rules;

    /** Variable name → format, from configuration. */
    public Map<String, String> rules() {
        Map<String, String> current = rules;
        if (current == null) {
            Map<String, String> parsed = new LinkedHashMap<>();
            for (String rule : config.apps().detect()) {
                String[] parts = rule.split("=", 2);
                String format = parts.length == 2 ? parts[1].trim() : URI;
                if (!format.equals(URI) && !format.equals(JDBC)) {
                    throw new IllegalStateException("berth.registry.apps.detect: format of " + parts[0]
                            + " must be uri or jdbc, not " + format);
                }
                parsed.put(parts[0].trim(), format);
            }
            rules = current = Map.copyOf(parsed);
        }
        return current;
    }

    public List<Binding> detect(Map<String, String> env) {
        List<Binding> bindings = new ArrayList<>();
        env.forEach((name, value) -> {
            String format = rules().get(name);
            if (format != null && (value == null || value.isBlank())) {
                bindings.add(new Binding(name, format));
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
                : new ArrayList<>(compose(bindings, ConnectionStrings.of("h", 5432, "d", "u", "p", "prefer"), env)
                        .keySet().stream().filter(k -> env.get(k) == null || env.get(k).isBlank()).sorted().toList());
        return new Preview(!bindings.isEmpty(), bindings.isEmpty() ? null : "postgresql", bindings, kept, injected);
    }

    /** Bindings for a mode that provisions or binds without detection: the detected ones, else DATABASE_URL. */
    public List<Binding> detectOrDefault(Map<String, String> env) {
        List<Binding> detected = detect(env);
        return detected.isEmpty() ? List.of(new Binding("DATABASE_URL", URI)) : detected;
    }

    /** The env a container gets: the user's, with the bound variables and the companions filled in. */
    public static Map<String, String> compose(List<Binding> bindings, ConnectionStrings connection,
            Map<String, String> userEnv) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        for (Binding binding : bindings) {
            env.put(binding.variable(), binding.format().equals(JDBC) ? connection.jdbc() : connection.uri());
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
