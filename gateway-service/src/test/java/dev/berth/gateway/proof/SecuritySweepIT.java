package dev.berth.gateway.proof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.embedded.Commands;
import dev.berth.gateway.RunningBerth;
import dev.berth.gateway.openapi.AccessTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The security sweep, on the whole suite as {@code ./berth up} runs it: every operation of the gateway's merged API
 * document (so a new route is swept the day it is added) without credentials, with forged, expired and
 * wrong-audience tokens, and as each role — 401 or 403 with a problem body exactly where {@link AccessTable} says,
 * and never a 5xx where it allows the call. Then every secret the run made is searched for in every log, every
 * event and every answer: none may appear.
 */
class SecuritySweepIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CI_SEED = 51438294249819L;
    private static RunningBerth berth;
    private static Sweeper http;
    private static final Map<String, String> tokens = new LinkedHashMap<>();
    private static final Map<String, String[]> people = new LinkedHashMap<>();
    private static final List<String> secrets = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        berth = RunningBerth.up();
        http = new Sweeper(berth.gateway());
        secrets.add(berth.adminPassword());
        people.put("admin", new String[] {"admin", berth.adminPassword()});
        tokens.put("admin", http.login("admin", berth.adminPassword()));
        for (String role : List.of("operator", "viewer")) {
            String name = "sweep_" + role;
            String password = "pw-" + UUID.randomUUID();
            secrets.add(password);
            Sweeper.Answer made = http.send("POST", "/api/users", tokens.get("admin"),
                    "{\"username\":\"" + name + "\",\"password\":\"" + password + "\",\"role\":\"" + role + "\"}");
            assertEquals(201, made.status(), made.body());
            people.put(role, new String[] {name, password});
            tokens.put(role, http.login(name, password));
        }
    }

    @AfterAll
    static void down() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void everyRouteRefusesStrangersAndBadTokensAndEachRoleGetsExactlyWhatTheTableSays() throws Exception {
        List<Sweeper.Operation> operations = http.operations();
        assertTrue(operations.size() > 40, "the merged document lists the API: " + operations.size());
        // A key per role too: an API key carries its role like a session does.
        String viewerKey = apiKey("viewer");
        List<String> wrong = new ArrayList<>();
        for (Sweeper.Operation op : operations) {
            List<String> allowed = AccessTable.roles(op.method(), op.template());
            if (allowed.isEmpty()) {
                continue; // open: sign-in itself
            }
            expectRefused(wrong, op, null, null, 401);
            expectRefused(wrong, op, "Bearer not-a-token", null, 401);
            for (Map.Entry<String, String> role : tokens.entrySet()) {
                String token = role.getValue();
                if (op.template().equals("/api/auth/logout")) {
                    // Signing out ends the session: a session of its own.
                    token = http.login(people.get(role.getKey())[0], people.get(role.getKey())[1]);
                }
                if (allowed.contains(role.getKey())) {
                    expectAllowed(wrong, op, "Bearer " + token, role.getKey());
                } else {
                    expectRefused(wrong, op, "Bearer " + token, role.getKey(), 403);
                }
            }
            if (!allowed.contains("viewer")) {
                Sweeper.Answer a = http.call(op, null, viewerKey);
                if (a.status() != 403) {
                    wrong.add(op + " with a viewer's API key: " + a.status());
                }
            }
        }
        assertEquals(List.of(), wrong, "answers that break the access table");
    }

    @Test
    void forgedExpiredAndWrongAudienceTokensAreRefusedWhereTheRealOneWorks() throws Exception {
        String real = tokens.get("viewer");
        PrivateKey key = privateKey(berth.home().resolve("keys/internal-private.pem"));
        PrivateKey stranger = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        long now = Instant.now().getEpochSecond();
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("re-signed as it was (control)", resign(real, key, claims -> { }));
        variants.put("signed with another key", resign(real, stranger, claims -> { }));
        variants.put("expired", resign(real, key, claims -> claims.put("exp", now - 120).put("iat", now - 3600)));
        variants.put("for the services (aud berth-internal)", resign(real, key,
                claims -> claims.put("aud", "berth-internal")));
        variants.put("from another issuer", resign(real, key, claims -> claims.put("iss", "someone-else")));
        variants.put("promoted to admin", resign(real, stranger, claims -> claims.putArray("groups").add("admin")));
        variants.put("unsigned (alg none)", unsigned(real));
        for (Map.Entry<String, String> v : variants.entrySet()) {
            Sweeper.Answer a = http.send("GET", "/api/databases", v.getValue(), null);
            int expected = v.getKey().endsWith("(control)") ? 200 : 401;
            assertEquals(expected, a.status(), v.getKey() + ": " + a.body());
        }
        // The internal token a script gets from ./berth token is for the services, not the gateway.
        String internal = berth.run(60, "token", "admin", "300").output().strip().lines().reduce((a, b) -> b)
                .orElse("");
        assertEquals(401, http.send("GET", "/api/databases", internal, null).status());
    }

    @Test
    void noSecretTheRunMadeAppearsInALogAnEventOrAnAnswer() throws Exception {
        String admin = tokens.get("admin");
        // Things that hold secrets: an app database (its password, rotated once), an API key, the vault's key.
        Sweeper.Answer db = http.send("POST", "/api/databases", admin, "{\"app\":\"sweep_secrets\"}");
        assertEquals(201, db.status(), db.body());
        JsonNode created = JSON.readTree(db.body());
        String id = created.path("id").asText();
        secrets.add(created.path("credentials").path("password").asText());
        Sweeper.Answer rotated = http.send("POST", "/api/databases/" + id + "/rotate-credentials", admin,
                "{\"mode\":\"immediate\"}");
        assertEquals(200, rotated.status(), rotated.body());
        secrets.add(JSON.readTree(rotated.body()).path("credentials").path("password").asText());
        secrets.add(apiKey("operator"));
        // The vault's key and the services' database passwords, as ./berth up made them.
        try (Stream<Path> files = Files.list(berth.home().resolve("secrets"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                secrets.add(Files.readString(file).strip());
            }
        }
        secrets.removeIf(s -> s == null || s.length() < 8);
        assertTrue(secrets.size() >= 6, "secrets to look for: " + secrets.size());
        // Answers that are not reveals: listings, the database, its activity and audit, failures.
        List<String> answers = new ArrayList<>(http.errorBodies());
        for (String path : List.of("/api/databases", "/api/databases/" + id, "/api/activity", "/api/audit",
                "/api/api-keys", "/api/users", "/api/databases/" + id + "/sessions")) {
            answers.add(http.send("GET", path, admin, null).body());
        }
        // Events as they were sent: every outbox of every service, and every log of the run.
        List<String> haystacks = new ArrayList<>(answers);
        for (String database : List.of("berth_registry", "berth_provisioner", "berth_backup", "berth_gateway")) {
            if (berth.sql(database, "SELECT to_regclass('outbox') IS NOT NULL").equals("t")) {
                haystacks.add(berth.sql(database,
                        "SELECT coalesce(string_agg(payload::text, E'\\n'), '') FROM outbox"));
            }
        }
        try (Stream<Path> logs = Files.walk(berth.home())) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p)).toList()) {
                haystacks.add(Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        }
        Set<String> found = new TreeSet<>();
        for (String secret : secrets) {
            for (String hay : haystacks) {
                if (hay.contains(secret)) {
                    found.add(secret.substring(0, 3) + "… (" + hay.substring(0, Math.min(60, hay.length())) + ")");
                }
            }
        }
        assertEquals(Set.of(), found, "secrets seen where they must not be");
        assertFalse(haystacks.isEmpty());
        assertEquals(204, http.send("DELETE", "/api/databases/" + id, admin, null).status());
    }

    /**
     * Fuzzing: hostile requests to every operation as an administrator (who may call them all). Every answer is a
     * success or a 4xx problem, within 20 s; afterwards nothing is half-made — each new database has its catalog row
     * and its role, each new role its database, and no container appeared without an app.
     */
    @Test
    void hostileRequestsToEveryOperationGetAProblemNeverA500AndLeaveNothingHalfMade() throws Exception {
        // CI replays a seed that passed (a landing is not the place to find new bugs); elsewhere each run explores.
        long seed = Long.getLong("berth.fuzz.seed", "true".equals(System.getenv("CI")) ? CI_SEED : System.nanoTime());
        int rounds = Integer.getInteger("berth.fuzz.rounds", 8);
        System.out.println("fuzz seed " + seed + " (replay: -Dberth.fuzz.seed=" + seed + "), " + rounds + " rounds");
        String admin = tokens.get("admin");
        State before = State.of(berth);
        // Cases the fuzzer once found, kept as they were: a NUL byte where PostgreSQL would get it as text.
        for (String[] known : List.of(new String[] {"GET", "/api/backups/globals?instance=a%00b", null},
                new String[] {"GET", "/api/databases?app=a%00b", null},
                new String[] {"GET", "/api/activity?subject=a%00b", null},
                new String[] {"POST", "/api/databases", "{\"app\":\"a\\u0000b\"}"})) {
            Sweeper.Answer a = http.send(known[0], known[1], admin, known[2]);
            assertEquals(400, a.status(), known[0] + " " + known[1] + ": " + a.body());
            assertTrue(a.problem(), a.contentType());
        }
        List<Sweeper.Operation> operations = http.operations();
        Fuzz fuzz = new Fuzz(seed, http.document());
        List<String> wrong = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        int sent = 0;
        int tooLong = 0;
        for (int round = 0; round < rounds; round++) {
            for (Sweeper.Operation op : operations) {
                if (op.template().equals("/api/auth/logout") || op.template().equals("/api/auth/login")) {
                    continue; // they take no input worth fuzzing, and one would end the session used here
                }
                Fuzz.Request r = fuzz.next(op);
                Sweeper.Answer a = http.exchange(r.method(), r.path(), "Bearer " + admin, null, r.body(),
                        r.contentType());
                sent++;
                if (a.status() == 414 && (r.method() + " " + r.path() + " HTTP/1.1").length() > 4096) {
                    // Refused by the HTTP layer (Vert.x's 4096-byte request line), before any route: no body to add.
                    tooLong++;
                    continue;
                }
                if (a.status() >= 500 || a.status() == 401) {
                    wrong.add(r + " → " + a.status() + " " + a.body());
                } else if (a.status() >= 400 && !a.problem()) {
                    wrong.add(r + " → " + a.status() + " without a problem+json body: " + a.contentType());
                } else if (a.status() < 300 && !r.method().equals("GET")) {
                    accepted.add(r + " → " + a.status());
                }
            }
        }
        System.out.println("fuzz: " + sent + " requests, " + tooLong + " with a request line over 4096 bytes (414), "
                + accepted.size() + " accepted: " + accepted);
        assertEquals(List.of(), wrong, "fuzzed requests that got a 5xx or an answer without a problem body");
        State after = State.of(berth);
        Set<String> newDatabases = after.minus(before.databases(), after.databases());
        Set<String> newCatalog = after.minus(before.catalog(), after.catalog());
        assertEquals(newDatabases, newCatalog, "databases without a catalog row, or catalog rows without a database");
        for (String role : after.minus(before.roles(), after.roles())) {
            assertTrue(newDatabases.stream().anyMatch(d -> role.startsWith("berth_" + d.substring("app_".length()))),
                    "role " + role + " has no database");
        }
        assertEquals(before.containers(), after.containers(), "containers appeared or went");
    }

    /** What the fuzzer must not leave half-made: databases, roles, catalog rows, containers. */
    private record State(Set<String> databases, Set<String> roles, Set<String> catalog, Set<String> containers) {
        static State of(RunningBerth berth) {
            // Berth's own containers (it labels each one it makes): other tests of the host, such as the installer
            // tests that run alongside, start and remove containers of their own meanwhile.
            Commands.Result ps = Commands.tryRun(List.of("podman", "--url", "unix://" + berth.home()
                    .resolve("run/podman/podman.sock"), "ps", "-a", "--filter", "label=berth.owner", "--format",
                    "{{.Names}}"), Map.of(), null, 60, null);
            assertEquals(0, ps.exitCode(), ps.output());
            return new State(lines(berth.sql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'app\\_%'")),
                    lines(berth.sql("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE 'berth\\_%' AND "
                            + "rolname NOT IN ('berth_registry', 'berth_provisioner', 'berth_backup', 'berth_gateway')")),
                    lines(berth.sql("berth_registry", "SELECT database_name FROM app_databases")),
                    lines(ps.output()));
        }

        Set<String> minus(Set<String> earlier, Set<String> later) {
            Set<String> out = new TreeSet<>(later);
            out.removeAll(earlier);
            return out;
        }

        private static Set<String> lines(String text) {
            return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(java.util.stream.Collectors
                    .toCollection(TreeSet::new));
        }
    }

    private static void expectRefused(List<String> wrong, Sweeper.Operation op, String authorization, String role,
            int status) throws Exception {
        Sweeper.Answer a = http.call(op, authorization, null);
        String who = role == null ? (authorization == null ? "no credentials" : authorization) : role;
        if (a.status() != status) {
            wrong.add(op + " as " + who + ": " + a.status() + " (expected " + status + ")");
        } else if (!a.problem()) {
            wrong.add(op + " as " + who + ": " + status + " without a problem+json body");
        } else if (status == 403 && !a.body().contains(op.method())) {
            wrong.add(op + " as " + who + ": 403 does not say what was refused: " + a.body());
        }
    }

    private static void expectAllowed(List<String> wrong, Sweeper.Operation op, String authorization, String role)
            throws Exception {
        Sweeper.Answer a = http.call(op, authorization, null);
        if (a.status() == 401 || a.status() == 403 || a.status() >= 500) {
            wrong.add(op + " as " + role + " (allowed): " + a.status() + " " + a.body());
        } else if (a.status() >= 400 && !a.problem()) {
            wrong.add(op + " as " + role + ": " + a.status() + " without a problem+json body");
        }
    }

    private static String apiKey(String role) throws Exception {
        Sweeper.Answer key = http.send("POST", "/api/api-keys", tokens.get("admin"),
                "{\"name\":\"sweep-" + role + "-" + UUID.randomUUID().toString().substring(0, 6) + "\",\"role\":\""
                        + role + "\"}");
        assertEquals(201, key.status(), key.body());
        String value = JSON.readTree(key.body()).path("key").asText();
        assertTrue(value.startsWith("berth_"), key.body());
        return value;
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
    }

    /** The token's header kept, its claims changed, signed RS256 with {@code key}. */
    private static String resign(String token, PrivateKey key, java.util.function.Consumer<ObjectNode> change)
            throws Exception {
        String[] parts = token.split("\\.");
        ObjectNode claims = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        change.accept(claims);
        String signed = parts[0] + "." + b64(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64(rsa.sign());
    }

    private static String unsigned(String token) {
        String[] parts = token.split("\\.");
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
