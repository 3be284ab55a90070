package dev.berth.registry.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ConnectionStringsTest {

    @Test
    void everyFormatCarriesTheSameCredentials() {
        ConnectionStrings c = ConnectionStrings.of("db.local", 5433, "app_shop", "berth_shop", "Pa55word", "require");
        assertEquals("postgresql://berth_shop:Pa55word@db.local:5433/app_shop?sslmode=require", c.uri());
        assertEquals("jdbc:postgresql://db.local:5433/app_shop?user=berth_shop&password=Pa55word&sslmode=require",
                c.jdbc());
        assertEquals("host=db.local port=5433 dbname=app_shop user=berth_shop password=Pa55word sslmode=require",
                c.libpq());
        assertEquals(c.uri(), c.env().get("DATABASE_URL"));
        assertEquals("5433", c.env().get("PGPORT"));
        assertEquals("Pa55word", c.env().get("DB_PASSWORD"));
        assertEquals("app_shop", c.env().get("PGDATABASE"));
    }

    @Test
    void specialCharactersAreEscapedPerFormat() {
        ConnectionStrings c = ConnectionStrings.of("::1", 5432, "app_x", "u", "p@ss w'rd", "prefer");
        assertEquals("postgresql://u:p%40ss%20w%27rd@[::1]:5432/app_x?sslmode=prefer", c.uri());
        assertEquals("host=::1 port=5432 dbname=app_x user=u password='p@ss w\\'rd' sslmode=prefer", c.libpq());
    }

    @Test
    void aPooledJdbcUrlTurnsOffServerSidePreparedStatements() {
        ConnectionStrings pooled = ConnectionStrings.of("postgresql", "db.local", 6432, "app_shop", "berth_shop", "pw",
                "prefer", true);
        assertEquals("jdbc:postgresql://db.local:6432/app_shop?user=berth_shop&password=pw&sslmode=prefer"
                + "&prepareThreshold=0", pooled.jdbc());
        assertEquals("6432", pooled.env().get("PGPORT"));
        assertFalse(ConnectionStrings.of("postgresql", "db.local", 5432, "app_shop", "berth_shop", "pw", "prefer", false)
                .jdbc().contains("prepareThreshold"));
    }

    @Test
    void toStringRevealsNothing() {
        assertFalse(ConnectionStrings.of("h", 1, "d", "u", "secret", "prefer").toString().contains("secret"));
    }
}
