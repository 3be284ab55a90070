package dev.berth.provisioner.vault;

/** A secret could not be sealed or opened; the message never contains secret material. */
public class VaultException extends RuntimeException {

    public VaultException(String message) {
        super(message);
    }

    public VaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
