package dev.berth.backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where backup files live. Writes are all-or-nothing: an {@link Upload} is invisible under its key until
 * {@link Upload#commit()}, and {@link Upload#abort()} leaves nothing behind, so a killed pg_dump never leaves a file
 * that looks complete.
 */
public interface BackupStorage {

    /** {@code local} or {@code s3}. */
    String kind();

    Upload create(String key) throws IOException;

    /** The stored bytes from {@code offset} to the end. */
    InputStream open(String key, long offset) throws IOException;

    /** The stored size in bytes. */
    long size(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** Removes the object; no error when it is already gone. */
    void delete(String key) throws IOException;

    /** The file itself when the storage is a local directory (pg_restore -j can read it in place). */
    default Optional<Path> localFile(String key) {
        return Optional.empty();
    }

    /** The directory backups are written to when the storage is local (its free space is worth watching). */
    default Optional<Path> localDirectory() {
        return Optional.empty();
    }

    /** An object being written. */
    interface Upload {

        OutputStream stream();

        /** Makes the object visible under its key; returns the stored size. */
        long commit() throws IOException;

        /** Discards everything written; safe to call after a failed commit, and more than once. */
        void abort();
    }

    /** Refuses keys that could escape the storage root or confuse an object store. */
    static String checkKey(String key) {
        if (key == null || key.isBlank() || key.startsWith("/") || key.contains("..") || key.contains("\\")
                || key.endsWith(LocalDirectoryStorage.PARTIAL)) {
            throw new IllegalArgumentException("not a valid storage key: " + key);
        }
        return key;
    }
}
