package dev.berth.provisioner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the sessions panel may show of a statement: never a password it can recognise. */
class QueryTextTest {

    @Test
    void passwordLiteralsAreMaskedWhereverTheyAppear() {
        assertEquals("ALTER ROLE app PASSWORD '***'", QueryText.masked("ALTER ROLE app PASSWORD 's3cr''et'"));
        assertEquals("CREATE ROLE x LOGIN password '***' VALID UNTIL 'infinity'",
                QueryText.masked("CREATE ROLE x LOGIN password E'abc\\'def' VALID UNTIL 'infinity'"));
        assertEquals("ALTER USER y WITH PASSWORD '***'", QueryText.masked("ALTER USER y WITH PASSWORD $pw$x'y$pw$"));
        String dblink = QueryText.masked("SELECT dblink_connect('host=db user=u password=hunter2 dbname=d')");
        assertFalse(dblink.contains("hunter2"), dblink);
        String url = QueryText.masked("SELECT * FROM dblink('postgresql://u:hunter2@db/d', 'select 1')");
        assertFalse(url.contains("hunter2"), url);
        assertTrue(url.contains("postgresql://u:***@db/d"), url);
    }

    @Test
    void ordinaryStatementsStayReadableAndLongOnesAreCut() {
        assertEquals("SELECT * FROM orders WHERE id = $1", QueryText.masked("SELECT * FROM orders WHERE id = $1"));
        String longQuery = "SELECT " + "x, ".repeat(200) + "1";
        String shown = QueryText.masked(longQuery);
        assertEquals(QueryText.MAX + 1, shown.length());
        assertTrue(shown.endsWith("…"));
        assertNull(QueryText.masked(null));
    }
}
