package dev.berth.contracts.problem;

/** Every kind of error Berth's APIs report, with its HTTP status; the slug is part of the stable contract. */
public enum ProblemType {
    INVALID_REQUEST("invalid-request", "The request is not valid", 400),
    INVALID_NAME("invalid-name", "The name is not allowed", 400),
    UNAUTHENTICATED("unauthenticated", "Sign in first", 401),
    FORBIDDEN("forbidden", "Your role does not allow this", 403),
    NOT_FOUND("not-found", "Not found", 404),
    CONFLICT("conflict", "It already exists", 409),
    IDEMPOTENCY_MISMATCH("idempotency-key-reused", "The Idempotency-Key was used for another request", 422),
    INSTANCE_REJECTED("instance-rejected", "The instance cannot be used", 422),
    BACKUP_REFUSED("backup-refused", "The backup cannot be taken", 422),
    BACKUP_CORRUPT("backup-corrupt", "The backup file does not match its checksum", 422),
    IMAGE_MISSING("image-missing", "The image is not on this host", 422),
    PORT_IN_USE("port-in-use", "The host port is taken", 409),
    PAYLOAD_TOO_LARGE("payload-too-large", "The request body is too large", 413),
    TOO_MANY_ATTEMPTS("too-many-attempts", "Too many failed attempts", 429),
    NOT_IMPLEMENTED("not-implemented", "Not available yet", 501),
    TOO_MANY_STREAMS("too-many-streams", "Too many open event streams", 503),
    INSTANCE_UNAVAILABLE("instance-unavailable", "The database server is unavailable", 503),
    RUNTIME_UNAVAILABLE("container-runtime-unavailable", "Podman is not available", 503),
    DEPENDENCY_UNAVAILABLE("service-unavailable", "A Berth service is unavailable", 503),
    DEPENDENCY_FAILED("service-failed", "A Berth service broke off its answer", 502),
    DEPENDENCY_TIMEOUT("service-timeout", "A Berth service did not answer in time", 504),
    INTERNAL("internal-error", "Something went wrong inside Berth", 500);

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
