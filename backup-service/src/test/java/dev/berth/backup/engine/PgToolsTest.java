package dev.berth.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.provisioning.AdminConnection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PgToolsTest {

    @Test
    void readsTheMajorVersionDebianPrints() {
        PgTools.Version v = PgTools.parse("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)");
        assertEquals(15, v.major());
        assertEquals("15.18", v.text());
        assertEquals(9, PgTools.parse("pg_dump (PostgreSQL) 9.6.24").major());
    }

    @Test
    void aPgDumpOlderThanTheServerIsRefusedWithWhatToInstall() {
        AdminConnection pg17 = new AdminConnection(UUID.randomUUID(), "127.0.0.1", 5432, "postgres", "secret", "prefer", "app_shop",
                "berth_shop", 170002);
        ProblemException refused = assertThrows(ProblemException.class,
                () -> PgTools.requireAtLeast(new PgTools.Version(15, "15.18"), pg17));
        assertEquals(422, refused.problem().status());
        assertTrue(refused.getMessage().contains("postgresql-client-17"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("secret"));

        PgTools.requireAtLeast(new PgTools.Version(17, "17.2"), pg17);
        PgTools.requireAtLeast(new PgTools.Version(17, "17.2"), new AdminConnection(UUID.randomUUID(), "h", 1, "u", "p", null, "d",
                "o", 150004));
    }
}
