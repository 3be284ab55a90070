package dev.berth.backup.engine;

import dev.berth.contracts.provisioning.AdminConnection;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Backups of an app database on Redis, which is a key prefix ({@code app_x:}) on a shared server: every key under
 * it, found with SCAN (never KEYS) and saved with DUMP (Redis' own serialization of the value) and its remaining
 * time to live, streamed into a small framed file; restored with RESTORE … REPLACE under the target's prefix. An
 * RDB snapshot would hold every app's keys on the instance and a restore from it would roll all of them back, so
 * Berth backs up what belongs to the one database.
 *
 * <p>File: {@code BERTH-REDIS-KEYS 1\n}, then per key {@code 'K'}, key length, key (without the prefix), PTTL in ms
 * (-1: none), value length, value; then {@code 'E'} and the number of keys, so a cut-off file is told apart.
 */
@ApplicationScoped
public class RedisKeys {

    static final byte[] MAGIC = "BERTH-REDIS-KEYS 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final int BATCH = 500;

    @Inject
    Vertx vertx;

    /** Streams every key of {@code conn.database()} into {@code out} (left open); returns how many. */
    public long dump(AdminConnection conn, OutputStream out) throws IOException {
        String prefix = conn.database() + ":";
        Redis client = client(conn);
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(unclosable(out), 256 * 1024));
        try {
            data.write(MAGIC);
            long count = 0;
            String cursor = "0";
            do {
                Response page = client.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(glob(prefix))
                        .arg("COUNT").arg(BATCH)).await().atMost(CALL);
                cursor = page.get(0).toString();
                List<String> keys = new ArrayList<>();
                page.get(1).forEach(k -> keys.add(k.toString()));
                List<Request> asks = new ArrayList<>();
                keys.forEach(k -> {
                    asks.add(Request.cmd(Command.DUMP).arg(k));
                    asks.add(Request.cmd(Command.PTTL).arg(k));
                });
                List<Response> answers = asks.isEmpty() ? List.of() : client.batch(asks).await().atMost(CALL);
                for (int i = 0; i < keys.size(); i++) {
                    Response value = answers.get(2 * i);
                    long ttl = answers.get(2 * i + 1).toLong();
                    if (value == null || ttl == -2) {
                        continue; // expired or deleted between SCAN and DUMP
                    }
                    byte[] name = keys.get(i).substring(prefix.length()).getBytes(StandardCharsets.UTF_8);
                    byte[] bytes = value.toBytes();
                    data.writeByte('K');
                    data.writeInt(name.length);
                    data.write(name);
                    data.writeLong(ttl);
                    data.writeInt(bytes.length);
                    data.write(bytes);
                    count++;
                }
            } while (!"0".equals(cursor));
            data.writeByte('E');
            data.writeLong(count);
            data.flush();
            return count;
        } catch (RuntimeException e) {
            throw new IOException("reading the keys of " + prefix + "* failed: " + e.getMessage(), e);
        } finally {
            client.close();
        }
    }

    /** Restores every key of {@code file} under {@code target.database()}'s prefix; returns how many. */
    public long restore(Path file, AdminConnection target) throws IOException {
        String prefix = target.database() + ":";
        Redis client = client(target);
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(new BufferedInputStream(in, 256 * 1024))) {
            byte[] magic = data.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("this is not a Berth backup of Redis keys");
            }
            long restored = 0;
            List<Request> batch = new ArrayList<>();
            while (true) {
                int tag = data.read();
                if (tag == 'E') {
                    long expected = data.readLong();
                    restored += send(client, batch);
                    if (restored != expected) {
                        throw new IOException("the file lists " + expected + " keys, " + restored + " were read");
                    }
                    return restored;
                }
                if (tag != 'K') {
                    throw new IOException("the file is cut off after " + (restored + batch.size()) + " keys");
                }
                String name = new String(data.readNBytes(data.readInt()), StandardCharsets.UTF_8);
                long ttl = data.readLong();
                byte[] value = data.readNBytes(data.readInt());
                batch.add(Request.cmd(Command.RESTORE).arg(prefix + name).arg(Math.max(0, ttl))
                        .arg(io.vertx.mutiny.core.buffer.Buffer.buffer(value)).arg("REPLACE"));
                if (batch.size() == BATCH) {
                    restored += send(client, batch);
                }
            }
        } catch (EOFException e) {
            throw new IOException("the file is cut off (no end marker)", e);
        } catch (RuntimeException e) {
            throw new IOException("restoring keys under " + prefix + " failed: " + e.getMessage(), e);
        } finally {
            client.close();
        }
    }

    /** How many keys the database has (reported as both tables and rows). */
    public DatabaseShape shape(AdminConnection conn) {
        Redis client = client(conn);
        try {
            long count = 0;
            String cursor = "0";
            do {
                Response page = client.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH")
                        .arg(glob(conn.database() + ":")).arg("COUNT").arg(BATCH)).await().atMost(CALL);
                cursor = page.get(0).toString();
                count += page.get(1).size();
            } while (!"0".equals(cursor));
            return new DatabaseShape((int) Math.min(Integer.MAX_VALUE, count), count);
        } finally {
            client.close();
        }
    }

    private static long send(Redis client, List<Request> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<Response> answers = client.batch(new ArrayList<>(batch)).await().atMost(CALL);
        long ok = answers.stream().filter(a -> a != null && "OK".equals(a.toString())).count();
        if (ok != batch.size()) {
            throw new IllegalStateException((batch.size() - ok) + " of " + batch.size() + " keys were refused");
        }
        batch.clear();
        return ok;
    }

    /** The prefix as a SCAN pattern (glob characters in it escaped; Berth's prefixes have none, but still). */
    static String glob(String prefix) {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
    }

    private Redis client(AdminConnection conn) {
        String uri = "redis://" + URLEncoder.encode(conn.user(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(conn.password(), StandardCharsets.UTF_8) + "@" + conn.host() + ":" + conn.port();
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(1)
                .setMaxPoolWaiting(BATCH * 2));
    }

    private static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
