package dev.berth.provisioner.podman;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.embedded.FreePorts;
import dev.berth.provisioner.podman.ContainerSpec.PortMapping;
import dev.berth.testing.PodmanService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The libpod client against the real Podman socket of the test harness. */
class PodmanClientIT {

    private static PodmanService podman;
    private static PodmanClient client;

    @BeforeAll
    static void connect() {
        podman = PodmanService.get();
        client = new PodmanClient(podman.socket(), new ObjectMapper());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void versionAndImagePresence() {
        assertTrue(client.version().startsWith("4."), client.version());
        assertTrue(client.imageExists(PodmanService.APP_IMAGE));
        assertFalse(client.imageExists("localhost/berth/no-such-image:1"));
    }

    @Test
    void networksAndVolumesAreCreatedListedAndRemoved() {
        String network = "berth-it-net-" + suffix();
        assertFalse(client.networkExists(network));
        client.createNetwork(network, "172.31.241.0/24", Map.of("berth.owner", podman.owner()));
        try {
            assertTrue(client.networkExists(network));
            assertEquals(List.of("172.31.241.0/24"), client.networkSubnets(network));
        } finally {
            client.removeNetwork(network);
        }
        assertFalse(client.networkExists(network));
        assertEquals(List.of(), client.networkSubnets(network));

        String volume = "berth-it-vol-" + suffix();
        client.createVolume(volume, Map.of("berth.owner", podman.owner(), "berth.test", volume));
        assertTrue(client.volumeExists(volume));
        assertEquals(List.of(volume), client.volumes("berth.test=" + volume));
        client.removeVolume(volume);
        assertFalse(client.volumeExists(volume));
        client.removeVolume(volume); // absent is fine
    }

    @Test
    void containerLifecycleWithItsEventsInOrder() throws Exception {
        String label = "berth.it.run=" + suffix();
        List<PodmanEvent> events = new CopyOnWriteArrayList<>();
        PodmanClient.EventStreamHandle handle = new PodmanClient.EventStreamHandle();
        Thread follower = new Thread(() -> client.followEvents(0, List.of(label), events::add, handle));
        follower.start();
        Thread.sleep(300); // the stream is open before anything happens

        String name = "berth-it-c-" + suffix();
        int hostPort = FreePorts.next();
        String id = client.create(new ContainerSpec(name, PodmanService.APP_IMAGE, Map.of("GREETING", "hello world"),
                Map.of("berth.owner", podman.owner(), "berth.it.run", label.substring(label.indexOf('=') + 1)),
                List.of(new PortMapping(null, hostPort, 8080, null)), PodmanService.NETWORK, List.of("web"),
                List.of("sleep", "300"), List.of()));
        try {
            ContainerInfo created = client.inspect(id);
            assertEquals("created", created.state());
            assertEquals("hello world", created.env().get("GREETING"));

            client.start(id);
            ContainerInfo running = client.inspect(name);
            assertTrue(running.running());
            assertTrue(running.addresses().get(PodmanService.NETWORK).startsWith("172.31.240."), running.addresses()
                    .toString());
            assertEquals(List.of(id), client.list(List.of(label)).stream().map(ContainerInfo::id).toList());
            ContainerStats stats = client.stats(id);
            assertNotNull(stats);
            assertTrue(stats.pids() >= 1 && stats.memoryUsageBytes() > 0, stats.toString());

            // A second container of the same name is refused with Podman's message.
            PodmanException clash = assertThrows(PodmanException.class, () -> client.create(new ContainerSpec(name,
                    PodmanService.APP_IMAGE, Map.of(), Map.of("berth.owner", podman.owner()), List.of(), null,
                    List.of(), List.of("true"), List.of())));
            assertTrue(clash.getMessage().contains("in use"), clash.getMessage());

            client.stop(id, Duration.ofSeconds(1));
            assertEquals("exited", client.inspect(id).state());
            assertNull(client.stats(id));
            client.restart(id, Duration.ofSeconds(1));
            assertTrue(client.inspect(id).running());
        } finally {
            client.remove(id, Duration.ZERO);
        }
        assertNull(client.inspect(id));
        client.remove(id, Duration.ZERO); // absent is fine

        await().atMost(Duration.ofSeconds(15)).until(() -> events.stream().anyMatch(e -> e.action().equals("remove")));
        handle.close();
        follower.join(5000);
        List<String> actions = events.stream().map(PodmanEvent::action)
                .filter(a -> List.of("create", "start", "stop", "died", "remove").contains(a)).toList();
        assertEquals("create", actions.get(0), actions.toString());
        assertEquals("remove", actions.get(actions.size() - 1), actions.toString());
        // Podman 4.3's API stop reports the end of the process as "died" (no "stop" event).
        assertTrue(actions.indexOf("start") < actions.indexOf("died"), actions.toString());
        assertTrue(events.stream().allMatch(e -> e.id().equals(id) && name.equals(e.attribute("name"))));
        assertTrue(events.stream().allMatch(e -> e.timeNano() > 0));
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
