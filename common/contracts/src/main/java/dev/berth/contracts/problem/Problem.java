package dev.berth.contracts.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;

/**
 * An RFC 9457 problem document: a stable {@code type}, a short {@code title}, the HTTP {@code status} and a
 * {@code detail} a person can act on. Never a class name or a stack trace.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String BASE = "https://berth.dev/problems/";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(URI.create(BASE + type.slug()), type.title(), type.status(), detail, null);
    }

    /** Whether this problem is of that type (problems relayed from another service keep their type). */
    public boolean is(ProblemType kind) {
        return type != null && type.toString().equals(BASE + kind.slug());
    }
}
