package dev.berth.provisioner.podman;

/** Podman answered with an error (its {@code message} text), or could not be reached ({@code status} 0). */
public class PodmanException extends RuntimeException {

    private final int status;

    public PodmanException(int status, String message) {
        super(message);
        this.status = status;
    }

    public PodmanException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status Podman answered with; 0 when it was not reached. */
    public int status() {
        return status;
    }

    public boolean notFound() {
        return status == 404;
    }

    public boolean conflict() {
        return status == 409;
    }

    public boolean unreachable() {
        return status == 0;
    }
}
