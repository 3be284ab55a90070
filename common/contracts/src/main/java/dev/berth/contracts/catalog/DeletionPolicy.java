package dev.berth.contracts.catalog;

import java.util.Arrays;
import java.util.Optional;

/**
 * What happens to a database when it is deleted or its app goes, in the words every service and the API use:
 * {@code delete} drops at once, {@code keep} detaches it and leaves the data, {@code backup-then-delete} drops it
 * only after a pre-delete backup completed.
 */
public enum DeletionPolicy {
    DELETE("delete"),
    KEEP("keep"),
    BACKUP_THEN_DELETE("backup-then-delete");

    private final String word;

    DeletionPolicy(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public boolean is(String word) {
        return this.word.equals(word);
    }

    public static Optional<DeletionPolicy> of(String word) {
        return Arrays.stream(values()).filter(p -> p.word.equals(word)).findFirst();
    }

    /** "delete, keep or backup-then-delete", for error messages. */
    public static String choices() {
        return "delete, keep or backup-then-delete";
    }
}
