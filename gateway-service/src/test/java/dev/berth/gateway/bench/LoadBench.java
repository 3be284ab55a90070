package dev.berth.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded mixed workload at rising concurrency, for {@code bench/load.sh}: closed-loop users, each sending its next
 * request when the last one answered, for a fixed time per step. Every step runs twice in the same round, through
 * the gateway (a person's session token) and straight to the services behind it (an internal token) — the raw
 * baseline — in alternating order. Not a test: it prints, it asserts nothing (but it counts every 5xx and hang).
 *
 * <p>The mix, per request: 50 % list ({@code GET /api/databases?size=50}, a random page), 42 % one database
 * ({@code GET /api/databases/{id}}, live size and connections), 3 % create, 3 % delete (one the same user made; a
 * create when it has none), 2 % backup ({@code POST …/backups}) but at most one a second per step (a list otherwise),
 * so the backup queue stays bounded. After each step every database it made is deleted and every backup waited
 * for and removed: the next step starts from the same catalog.
 *
 * <p>Arguments: gateway URL, file with a session token, registry URL, backup service URL, file with an internal admin
 * token, steps (e.g. {@code 1,2,4,8,16,32,64}), seconds per step, rounds.
 */
public final class LoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FIXTURES = 20;
    private static final int BACKUPS_PER_SECOND = 1;

    enum Op {
        LIST, GET, CREATE, DELETE, BACKUP
    }

    /** Where the requests go: {@code databases} serves /api/databases, {@code backups} their backups. */
    record Target(String name, String databases, String backups, String token) {
    }

    /** One step's outcome for one target. */
    record Result(double perSecond, double p50, double p99, Map<Op, Double> p99ByOp, int failures, String notes) {
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpClient http;
    private final Target direct;
    private final List<String> fixtures = new ArrayList<>();
    private final String tag = "load" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private int pages = 1;

    private LoadBench(Target direct, int maxUsers) {
        this.direct = direct;
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(maxUsers).setKeepAlive(true)
                .setPipelining(false));
    }

    public static void main(String[] args) throws Exception {
        Target gateway = new Target("gateway", args[0], args[0], Files.readString(Path.of(args[1])).strip());
        Target direct = new Target("direct", args[2], args[3], Files.readString(Path.of(args[4])).strip());
        int[] steps = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(args[6]);
        int rounds = Integer.parseInt(args[7]);
        LoadBench bench = new LoadBench(direct, Arrays.stream(steps).max().orElse(1));
        try {
            bench.prepare();
            bench.run(List.of(gateway, direct), steps, seconds, rounds);
        } finally {
            bench.removeFixtures();
            bench.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private void prepare() throws Exception {
        for (int i = 0; i < FIXTURES; i++) {
            JsonNode made = await(call(direct, HttpMethod.POST, direct.databases() + "/api/databases",
                    "{\"app\":\"" + tag + "\",\"environment\":\"fixture" + i + "\"}"), 201, "make a fixture");
            fixtures.add(made.get("id").asText());
        }
        JsonNode list = await(call(direct, HttpMethod.GET, direct.databases() + "/api/databases?size=50", null), 200,
                "list");
        pages = Math.max(1, (int) Math.ceil(list.get("total").asDouble() / 50));
        System.out.printf("load: %d databases in the catalog (%d pages of 50), %d fixtures (app %s)%n",
                list.get("total").asInt(), pages, FIXTURES, tag);
    }

    private void run(List<Target> targets, int[] steps, int seconds, int rounds) throws Exception {
        // Both JVMs (and the client) warm before anything counts.
        for (Target t : targets) {
            step(t, 8, Math.max(5, seconds), -1);
        }
        Map<String, List<Result>[]> results = new TreeMap<>();
        for (Target t : targets) {
            @SuppressWarnings("unchecked")
            List<Result>[] perStep = new List[steps.length];
            for (int s = 0; s < steps.length; s++) {
                perStep[s] = new ArrayList<>();
            }
            results.put(t.name(), perStep);
        }
        for (int round = 1; round <= rounds; round++) {
            for (int s = 0; s < steps.length; s++) {
                List<Target> order = new ArrayList<>(targets);
                if ((round + s) % 2 == 0) {
                    Collections.reverse(order);
                }
                for (Target t : order) {
                    Result r = step(t, steps[s], seconds, round);
                    results.get(t.name())[s].add(r);
                    System.out.printf(Locale.ROOT, "  round %d, %2d users, %-7s %7.1f req/s  p50 %6.1f  p99 %7.1f ms"
                            + "  (p99 list %.1f, get %.1f, create %.1f, delete %.1f, backup %.1f)  failures %d%s%n",
                            round, steps[s], t.name(), r.perSecond(), r.p50(), r.p99(), r.p99ByOp().get(Op.LIST),
                            r.p99ByOp().get(Op.GET), r.p99ByOp().get(Op.CREATE), r.p99ByOp().get(Op.DELETE),
                            r.p99ByOp().get(Op.BACKUP), r.failures(), r.notes());
                }
            }
        }
        summarize(targets, steps, results);
    }

    private void summarize(List<Target> targets, int[] steps, Map<String, List<Result>[]> results) {
        System.out.println("summary (median of the rounds [min–max]):");
        for (int s = 0; s < steps.length; s++) {
            List<Result> gw = results.get(targets.get(0).name())[s];
            List<Result> raw = results.get(targets.get(1).name())[s];
            List<Double> ratio = new ArrayList<>();
            List<Double> added = new ArrayList<>();
            for (int i = 0; i < gw.size(); i++) {
                ratio.add(gw.get(i).perSecond() / raw.get(i).perSecond());
                added.add(gw.get(i).p99() - raw.get(i).p99());
            }
            System.out.printf(Locale.ROOT, "  %2d users: gateway %s req/s, p99 %s ms | direct %s req/s, p99 %s ms |"
                    + " gateway/direct %s, p99 added %s ms | failures %d%n", steps[s],
                    spread(gw.stream().map(Result::perSecond).toList(), "%.0f"),
                    spread(gw.stream().map(Result::p99).toList(), "%.1f"),
                    spread(raw.stream().map(Result::perSecond).toList(), "%.0f"),
                    spread(raw.stream().map(Result::p99).toList(), "%.1f"), spread(ratio, "%.2f"),
                    spread(added, "%.1f"), gw.stream().mapToInt(Result::failures).sum()
                            + raw.stream().mapToInt(Result::failures).sum());
        }
        for (Target t : targets) {
            List<Result>[] perStep = results.get(t.name());
            int knee = -1;
            for (int s = 1; s < steps.length && knee < 0; s++) {
                if (median(perStep[s].stream().map(Result::perSecond).toList())
                        < 1.1 * median(perStep[s - 1].stream().map(Result::perSecond).toList())) {
                    knee = s - 1;
                }
            }
            if (knee < 0) {
                System.out.printf("knee, %s: none up to %d users (throughput still rose ≥ 10 %% a step)%n", t.name(),
                        steps[steps.length - 1]);
            } else {
                System.out.printf(Locale.ROOT, "knee, %s: %d users — %.0f req/s at p99 %.1f ms; twice the users "
                        + "add < 10 %% throughput and take p99 to %.1f ms%n", t.name(), steps[knee],
                        median(perStep[knee].stream().map(Result::perSecond).toList()),
                        median(perStep[knee].stream().map(Result::p99).toList()),
                        median(perStep[knee + 1].stream().map(Result::p99).toList()));
            }
        }
    }

    /** One user's state: what it made and what it measured. */
    private final class User {
        final int number;
        final ArrayDeque<String> made = new ArrayDeque<>();
        final Map<Op, List<Double>> micros = new EnumMap<>(Op.class);
        final Map<String, Integer> failures = new TreeMap<>();
        final Map<String, String> firstAnswer = new TreeMap<>();
        int created;

        User(int number) {
            this.number = number;
            for (Op op : Op.values()) {
                micros.put(op, new ArrayList<>());
            }
        }
    }

    private Result step(Target target, int users, int seconds, int round) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long started = System.nanoTime();
        AtomicInteger backupsAsked = new AtomicInteger();
        List<String[]> backups = Collections.synchronizedList(new ArrayList<>());
        List<User> all = new ArrayList<>();
        List<Future<Void>> done = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            User u = new User(i);
            all.add(u);
            Promise<Void> finished = Promise.promise();
            done.add(finished.future());
            vertx.runOnContext(v -> next(target, u, deadline, started, backupsAsked, backups, finished));
        }
        Future.all(done).toCompletionStage().toCompletableFuture().get(seconds + 180L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - started) / 1e9;
        // Back to the same catalog: what the step made goes, its backups are waited for and removed.
        long cleanup = System.nanoTime();
        int leftOver = 0;
        for (User u : all) {
            for (String id : u.made) {
                await(call(direct, HttpMethod.DELETE, direct.databases() + "/api/databases/" + id + "?policy=delete",
                        null), 204, "delete what the step made");
                leftOver++;
            }
        }
        int backupsFailed = 0;
        for (String[] b : backups) {
            String url = direct.backups() + "/api/databases/" + b[0] + "/backups/" + b[1];
            JsonNode record = await(call(direct, HttpMethod.GET, url + "?waitSeconds=120", null), 200, "wait");
            if (!"COMPLETED".equalsIgnoreCase(record.path("status").asText())) {
                backupsFailed++;
            }
            await(call(direct, HttpMethod.DELETE, url, null), 204, "delete a backup");
        }
        double cleanupSeconds = (System.nanoTime() - cleanup) / 1e9;
        List<Double> every = new ArrayList<>();
        Map<Op, Double> p99ByOp = new EnumMap<>(Op.class);
        Map<String, Integer> failures = new TreeMap<>();
        for (Op op : Op.values()) {
            List<Double> l = new ArrayList<>();
            all.forEach(u -> l.addAll(u.micros.get(op)));
            every.addAll(l);
            p99ByOp.put(op, DashboardBench.quantile(l, 0.99) / 1000.0);
        }
        all.forEach(u -> u.failures.forEach((k, v) -> failures.merge(k, v, Integer::sum)));
        Map<String, String> answers = new TreeMap<>();
        all.forEach(u -> u.firstAnswer.forEach(answers::putIfAbsent));
        answers.forEach((k, v) -> System.out.printf("    first %s answer: %.300s%n", k, v));
        int failed = failures.values().stream().mapToInt(Integer::intValue).sum() + backupsFailed;
        String notes = String.format(Locale.ROOT, "  [%d made, %d deleted in the step, %d backups%s; clean-up %.1f s]",
                all.stream().mapToInt(u -> u.created).sum(), all.stream().mapToInt(u -> u.created).sum() - leftOver,
                backups.size(), backupsFailed > 0 ? ", " + backupsFailed + " not completed" : "", cleanupSeconds)
                + (failures.isEmpty() ? "" : " " + failures);
        return new Result(every.size() / elapsed, DashboardBench.quantile(every, 0.5) / 1000.0, DashboardBench.quantile(every, 0.99) / 1000.0,
                p99ByOp, failed, round < 0 ? " (warm-up)" : notes);
    }

    private void next(Target target, User u, long deadline, long started, AtomicInteger backupsAsked,
            List<String[]> backups, Promise<Void> finished) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
            finished.complete();
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int roll = random.nextInt(100);
        Op op = roll < 50 ? Op.LIST : roll < 92 ? Op.GET : roll < 95 ? Op.CREATE : roll < 98 ? Op.DELETE : Op.BACKUP;
        if (op == Op.DELETE && u.made.isEmpty()) {
            op = Op.CREATE;
        }
        if (op == Op.BACKUP && backupsAsked.get() >= 1 + (now - started) / 1_000_000_000L * BACKUPS_PER_SECOND) {
            op = Op.LIST;
        }
        String fixture = fixtures.get(random.nextInt(fixtures.size()));
        Future<Answer> answer = switch (op) {
            case LIST -> call(target, HttpMethod.GET, target.databases() + "/api/databases?size=50&page="
                    + random.nextInt(pages), null);
            case GET -> call(target, HttpMethod.GET, target.databases() + "/api/databases/" + fixture, null);
            case CREATE -> call(target, HttpMethod.POST, target.databases() + "/api/databases", "{\"app\":\"" + tag
                    + "\",\"environment\":\"u" + u.number + target.name().charAt(0) + (u.created + 1) + "\"}");
            case DELETE -> call(target, HttpMethod.DELETE, target.databases() + "/api/databases/" + u.made.peekFirst()
                    + "?policy=delete", null);
            case BACKUP -> {
                backupsAsked.incrementAndGet();
                yield call(target, HttpMethod.POST, target.backups() + "/api/databases/" + fixture + "/backups", null);
            }
        };
        Op done = op;
        answer.onComplete(ar -> {
            double micros = (System.nanoTime() - now) / 1000;
            if (ar.failed()) {
                u.failures.merge(done + " " + ar.cause().getClass().getSimpleName(), 1, Integer::sum);
            } else if (ar.result().status() >= 300) {
                u.failures.merge(done + " " + ar.result().status(), 1, Integer::sum);
                u.firstAnswer.putIfAbsent(done + " " + ar.result().status(), ar.result().body().toString());
            } else {
                u.micros.get(done).add(micros);
                switch (done) {
                    case CREATE -> {
                        u.made.addLast(id(ar.result()));
                        u.created++;
                    }
                    case DELETE -> u.made.removeFirst();
                    case BACKUP -> backups.add(new String[] {fixture, id(ar.result())});
                    default -> {
                    }
                }
            }
            next(target, u, deadline, started, backupsAsked, backups, finished);
        });
    }

    private record Answer(int status, Buffer body) {
    }

    private static String id(Answer a) {
        try {
            return JSON.readTree(a.body().getBytes()).get("id").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an answer without an id: " + a.body(), e);
        }
    }

    private Future<Answer> call(Target target, HttpMethod method, String url, String json) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(120_000)
                .putHeader("Authorization", "Bearer " + target.token()).putHeader("Accept", "application/json");
        if (json != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return http.request(options)
                .compose(req -> json == null ? req.send() : req.send(json))
                .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body)));
    }

    private static JsonNode await(Future<Answer> answer, int expected, String what) throws Exception {
        Answer a = answer.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
        if (a.status() != expected) {
            throw new IllegalStateException(what + ": " + a.status() + " " + a.body());
        }
        return a.body().length() == 0 ? JSON.nullNode() : JSON.readTree(a.body().getBytes());
    }

    private void removeFixtures() {
        for (String id : fixtures) {
            try {
                await(call(direct, HttpMethod.DELETE, direct.databases() + "/api/databases/" + id + "?policy=delete",
                        null), 204, "remove a fixture");
            } catch (Exception e) {
                System.err.println("could not remove fixture " + id + ": " + e.getMessage());
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static String spread(List<Double> values, String format) {
        List<Double> sorted = values.stream().sorted().toList();
        return String.format(Locale.ROOT, format + " [" + format + "–" + format + "]", median(values), sorted.get(0),
                sorted.get(sorted.size() - 1));
    }
}
