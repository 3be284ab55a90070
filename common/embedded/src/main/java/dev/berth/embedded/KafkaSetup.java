package dev.berth.embedded;

import dev.berth.contracts.events.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * The host install's Kafka setup ({@code install/lib/kafka.sh}): the SCRAM-SHA-512 login the services use and
 * Berth's topics, made through the Admin API on the broker's own listener. Kafka's command-line tools take a SCRAM
 * password only as an argument (visible in the process list); this reads it from a file. Idempotent: a login or
 * topic that exists is left as it is, and each line printed names what was made.
 *
 * <pre>
 * Embedded kafka-setup --admin-config CLIENT_PROPERTIES --user NAME --password-file FILE [--partitions N]
 * </pre>
 */
final class KafkaSetup {

    private static final int ITERATIONS = 8192;

    private KafkaSetup() {
    }

    static void run(Map<String, String> options) throws IOException {
        Properties client = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(required(options, "admin-config")))) {
            client.load(in);
        }
        String user = required(options, "user");
        String password = Files.readString(Path.of(required(options, "password-file"))).strip();
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "3"));
        Map<String, Object> config = new HashMap<>();
        client.forEach((k, v) -> config.put((String) k, v));
        config.putIfAbsent("request.timeout.ms", 20_000);
        try (Admin admin = Admin.create(config)) {
            boolean exists = admin.describeUserScramCredentials().all().get().containsKey(user);
            if (!exists) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password))).all().get();
                System.out.println("made Kafka login " + user + " (SCRAM-SHA-512)");
            }
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = Topics.ALL.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1)).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                System.out.println("made topics " + missing.stream().map(NewTopic::name).toList());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka setup failed: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("kafka-setup needs --" + name);
        }
        return value;
    }
}
