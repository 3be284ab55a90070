package dev.berth.registry.service;

import static dev.berth.registry.service.ProvisionerCalls.guarded;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.client.ProvisionerClient.EngineContainer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Database containers Berth does not manage yet (by image: postgres, mariadb, mysql, redis, mongo), and adopting one
 * as an instance: its admin credentials are asked for and tested by connecting, like any external server.
 * PostgreSQL only for now; other engines answer 501 until their drivers exist.
 */
@ApplicationScoped
public class Adoption {

    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("postgresql", 5432, "mariadb", 3306, "mysql",
            3306, "redis", 6379, "mongodb", 27017);

    /** A candidate with where Berth would connect to it ({@code host} null when it is not reachable). */
    public record Candidate(String containerId, String name, String image, String engine, String state, String host,
            Integer port, boolean adoptable, String note) {
    }

    /** {@code name} defaults to the container's name. */
    public record AdoptRequest(String name, String adminUser, String adminPassword, String sslmode) {

        @Override
        public String toString() {
            return "AdoptRequest[" + name + ", " + adminUser + "]";
        }
    }

    @Inject
    Pool pool;

    @Inject
    InstanceCatalog catalog;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    public Uni<List<Candidate>> detect() {
        return pool.query("SELECT container_id FROM instances WHERE container_id IS NOT NULL").execute()
                .flatMap(rows -> {
                    Set<String> adopted = new HashSet<>();
                    rows.forEach(r -> adopted.add(r.getString(0)));
                    return guarded(provisioner.engines()).map(engines -> engines.stream()
                            .filter(e -> !adopted.contains(e.id())).map(Adoption::candidate).toList());
                });
    }

    public Uni<UUID> adopt(String containerId, AdoptRequest request) {
        if (request == null || request.adminUser() == null || request.adminPassword() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "adminUser and adminPassword of the database in "
                    + "the container are required");
        }
        return detect().flatMap(candidates -> {
            Candidate c = candidates.stream().filter(x -> x.containerId().equals(containerId)
                    || x.name().equals(containerId)).findFirst().orElseThrow(() -> new ProblemException(
                    ProblemType.NOT_FOUND, "no database container " + containerId + " that Berth does not manage "
                            + "already (see GET /api/instances/detect)"));
            if (!c.adoptable()) {
                throw new ProblemException(c.engine().equals("postgresql") ? ProblemType.INSTANCE_REJECTED
                        : ProblemType.NOT_IMPLEMENTED, c.note());
            }
            String name = request.name() != null ? request.name()
                    : c.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            return catalog.register(new InstanceCatalog.Registration(name, c.host(), c.port(), request.adminUser(),
                            request.adminPassword(), request.sslmode(), false, 0))
                    .call(id -> pool.preparedQuery("UPDATE instances SET container_id = $2 WHERE id = $1")
                            .execute(Tuple.of(id, c.containerId())));
        });
    }

    private static Candidate candidate(EngineContainer e) {
        int enginePort = DEFAULT_PORTS.get(e.engine());
        String host = null;
        Integer port = null;
        for (ProvisionerClient.PortMapping p : e.ports() == null ? List.<ProvisionerClient.PortMapping>of() : e.ports()) {
            if (p.containerPort() == enginePort && "tcp".equals(p.protocol())) {
                host = p.hostIp() == null || p.hostIp().isBlank() || p.hostIp().equals("0.0.0.0") ? "127.0.0.1"
                        : p.hostIp();
                port = p.hostPort();
            }
        }
        if (host == null && e.addresses() != null) {
            host = e.addresses().values().stream().filter(a -> a != null && !a.isBlank()).findFirst().orElse(null);
            port = host == null ? null : enginePort;
        }
        String note;
        boolean adoptable = false;
        if (!e.engine().equals("postgresql")) {
            note = e.engine() + " containers can be listed but not adopted yet: Berth's " + e.engine() + " driver "
                    + "does not exist";
        } else if (!"running".equals(e.state())) {
            note = "the container is " + e.state() + "; start it to adopt it";
        } else if (host == null) {
            note = "PostgreSQL in this container is not reachable: publish port 5432 or join a network";
        } else {
            note = "adopt with POST /api/instances/adopt/" + e.id() + " {adminUser, adminPassword}";
            adoptable = true;
        }
        return new Candidate(e.id(), e.name(), e.image(), e.engine(), e.state(), host, port, adoptable, note);
    }
}
