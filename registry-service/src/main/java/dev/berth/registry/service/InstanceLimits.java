package dev.berth.registry.service;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The limits a dedicated instance may be given, read from what people write: "512m", "1g", "1.5GiB", 268435456. */
public final class InstanceLimits {

    static final long MIN_MEMORY = 64L * 1024 * 1024;
    static final long MAX_MEMORY = 1024L * 1024 * 1024 * 1024;
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    private InstanceLimits() {
    }

    /** Bytes, or null for no limit; 400 for anything that is not a size between 64 MiB and 1 TiB. */
    public static Long memory(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "memoryLimit '" + text + "' is not a size: write "
                    + "e.g. 512m, 2g or a number of bytes");
        }
        double value = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            case "t" -> 1024L * 1024 * 1024 * 1024;
            default -> 1L;
        };
        double bytes = value * unit;
        if (bytes < MIN_MEMORY || bytes > MAX_MEMORY) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "memoryLimit must be between 64m and 1t, not "
                    + text);
        }
        return (long) bytes;
    }

    /** CPUs (1.5 = one and a half cores), or null for no limit; 400 unless between 0.1 and 256. */
    public static Double cpus(Double cpus) {
        if (cpus == null) {
            return null;
        }
        if (cpus.isNaN() || cpus < 0.1 || cpus > 256) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "cpuLimit must be between 0.1 and 256 cores");
        }
        return cpus;
    }
}
