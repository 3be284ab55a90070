package dev.berth.contracts.provisioning;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What PgBouncer in front of an instance says about itself: one entry per row of {@code SHOW POOLS} (per database
 * and user: client connections active and waiting, server connections active and idle, the longest wait, the pool
 * mode) and of {@code SHOW STATS} (per database: transactions, queries, bytes and times, totals and averages), with
 * PgBouncer's own column names, read at {@code readAt}.
 */
public record PoolStats(String address, List<Map<String, Object>> pools, List<Map<String, Object>> stats,
        Instant readAt) {
}
