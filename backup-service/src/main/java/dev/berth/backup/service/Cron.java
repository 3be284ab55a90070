package dev.berth.backup.service;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** Five-field Unix cron expressions (host time zone), plus the words {@code daily} and {@code weekly}. */
public final class Cron {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private Cron() {
    }

    /** The stored form: {@code daily} → {@code 0 3 * * *}, {@code weekly} → {@code 0 3 * * 0}; 400 when invalid. */
    public static String normalize(String expression) {
        if (expression == null || expression.isBlank()) {
            throw invalid(expression, "it is empty");
        }
        String cron = switch (expression.trim().toLowerCase()) {
            case "daily", "@daily" -> "0 3 * * *";
            case "weekly", "@weekly" -> "0 3 * * 0";
            default -> expression.trim().replaceAll("\\s+", " ");
        };
        if (cron.split(" ").length != 5) {
            throw invalid(expression, "it needs five fields: minute hour day-of-month month day-of-week");
        }
        try {
            PARSER.parse(cron).validate();
        } catch (IllegalArgumentException e) {
            throw invalid(expression, e.getMessage());
        }
        return cron;
    }

    /** The first run strictly after {@code after}. */
    public static ZonedDateTime next(String cron, ZonedDateTime after) {
        return execution(cron).nextExecution(after).orElse(after.plusYears(100));
    }

    /** The last run at or before {@code before}, if the expression ever fires before it. */
    public static Optional<ZonedDateTime> last(String cron, ZonedDateTime before) {
        return execution(cron).lastExecution(before.plusSeconds(1));
    }

    public static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneId.systemDefault());
    }

    private static ExecutionTime execution(String cron) {
        return ExecutionTime.forCron(PARSER.parse(cron));
    }

    private static ProblemException invalid(String expression, String why) {
        return new ProblemException(ProblemType.INVALID_REQUEST, "'" + expression + "' is not a schedule: " + why
                + " (use a five-field cron such as \"0 3 * * *\", or daily / weekly)");
    }
}
