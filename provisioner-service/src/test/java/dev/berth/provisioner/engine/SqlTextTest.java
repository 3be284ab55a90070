package dev.berth.provisioner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SqlTextTest {

    @Test
    void identifiersAreQuotedWithEmbeddedQuotesDoubled() {
        assertEquals("\"app_shop\"", SqlText.identifier("app_shop"));
        assertEquals("\"x\"\"; DROP ROLE postgres; --\"", SqlText.identifier("x\"; DROP ROLE postgres; --"));
    }

    @Test
    void literalsAreQuotedAndBackslashesCannotEscape() {
        assertEquals("'it''s'", SqlText.literal("it's"));
        assertEquals("E'a\\\\'' OR 1=1 --'", SqlText.literal("a\\' OR 1=1 --"));
    }

    @Test
    void refusesWhatPostgresWouldTruncateOrMisread() {
        assertThrows(IllegalArgumentException.class, () -> SqlText.identifier("a".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> SqlText.identifier("é".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> SqlText.identifier("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> SqlText.identifier(""));
        assertThrows(IllegalArgumentException.class, () -> SqlText.literal("a\0b"));
    }
}
