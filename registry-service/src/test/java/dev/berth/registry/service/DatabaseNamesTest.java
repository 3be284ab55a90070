package dev.berth.registry.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.problem.ProblemException;
import org.junit.jupiter.api.Test;

class DatabaseNamesTest {

    @Test
    void appNamesAreLowerCasedAndDashesBecomeUnderscores() {
        assertEquals("shop_web_v2", DatabaseNames.app("Shop-Web.v2"));
        assertEquals(new DatabaseNames.Names("app_shop", "berth_shop"), DatabaseNames.of("shop", "production"));
        assertEquals(new DatabaseNames.Names("app_shop_staging", "berth_shop_staging"), DatabaseNames.of("shop", "staging"));
    }

    @Test
    void eachRefusalSaysWhichRuleFailed() {
        assertTrue(refusal("x\"; DROP ROLE postgres; --").contains("may only contain"));
        assertTrue(refusal("café").contains("may only contain"));
        assertTrue(refusal("9lives").contains("must start with a letter"));
        assertTrue(refusal("a".repeat(33)).contains("at most 32"));
        assertTrue(refusal("template1").contains("reserved"));
        assertTrue(refusal("pg_catalog").contains("reserved"));
        assertTrue(refusal("berth_registry").contains("reserved"));
        assertTrue(refusal(" ").contains("required"));
    }

    @Test
    void theRefusedNameIsEchoedWithoutControlCharacters() {
        String detail = refusal("bad\u0000name\n");
        assertTrue(!detail.contains("\u0000") && !detail.contains("\n"), detail);
    }

    @Test
    void suffixedNamesStayWithinPostgresLimits() {
        DatabaseNames.Names longest = DatabaseNames.withSuffix(DatabaseNames.of("a".repeat(32), "abcdefghijkl"));
        assertTrue(longest.role().length() + "_r99".length() <= 63, longest.role());
        assertTrue(longest.database().matches("app_a{32}_abcdefghijkl_[a-z0-9]{4}"), longest.database());
    }

    private static String refusal(String app) {
        return assertThrows(ProblemException.class, () -> DatabaseNames.app(app)).problem().detail();
    }
}
