package dev.berth.backup.storage;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Backups as files under one directory ({@code {database}/{database}-{YYYYMMDD-HHMMSS}.dump}), readable only by the
 * service's user. A file is written as {@code <name>.partial}, synced, and renamed atomically when complete.
 */
public final class LocalDirectoryStorage implements BackupStorage {

    static final String PARTIAL = ".partial";

    private final Path root;

    public LocalDirectoryStorage(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Override
    public Optional<Path> localDirectory() {
        return Optional.of(root);
    }

    public Path root() {
        return root;
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public Upload create(String key) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path partial = target.resolveSibling(target.getFileName() + PARTIAL);
        // Never someone else's: a file being written under this name is an error, not something to replace.
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileOutputStream out = new FileOutputStream(partial.toFile());
        return new Upload() {
            private boolean closed;

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public long commit() throws IOException {
                out.flush();
                out.getFD().sync();
                out.close();
                closed = true;
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return Files.size(target);
            }

            @Override
            public void abort() {
                try {
                    if (!closed) {
                        out.close();
                        closed = true;
                    }
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // best effort: a leftover .partial is never mistaken for a backup, and the next start sweeps it
                }
            }
        };
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    @Override
    public long size(String key) throws IOException {
        return Files.size(resolve(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            Files.delete(resolve(key));
        } catch (NoSuchFileException gone) {
            // already gone
        }
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.of(resolve(key));
    }

    /** Removes {@code .partial} files left by a crash; they never became backups. Returns how many. */
    public int sweepPartials() throws IOException {
        try (var files = Files.walk(root)) {
            var partials = files.filter(p -> p.getFileName().toString().endsWith(PARTIAL)).toList();
            for (Path p : partials) {
                Files.deleteIfExists(p);
            }
            return partials.size();
        }
    }

    private Path resolve(String key) {
        Path path = root.resolve(BackupStorage.checkKey(key)).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("not a valid storage key: " + key);
        }
        return path;
    }
}
