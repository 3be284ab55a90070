package dev.berth.contracts.provisioning;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One database's figures on its server at one moment, as the registry samples them: size on disk, open connections,
 * and the server's transaction counter (commits + rollbacks since the statistics were last reset), from which
 * transactions per second follow between two samples.
 */
@RegisterForReflection
public record DatabaseFigures(String database, long sizeBytes, int connections, long transactions) {
}
