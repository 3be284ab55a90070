package dev.berth.testing;

import dev.berth.embedded.FreePorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3-compatible server (S3Proxy over a directory) started from its jar once per test JVM; the jar path comes
 * from the {@code berth.it.s3proxy-jar} system property (the backup service's build copies it).
 */
public final class S3ProxyProcess {

    public static final String ACCESS_KEY = "berth-test";
    public static final String SECRET_KEY = "berth-test-secret";

    private static S3ProxyProcess instance;

    private final int port;
    private final Path data;

    private S3ProxyProcess(int port, Path data) {
        this.port = port;
        this.data = data;
    }

    public static synchronized S3ProxyProcess get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the server keeps buckets and objects (one directory per bucket). */
    public Path dataDir() {
        return data;
    }

    private static S3ProxyProcess start() {
        Path jar = Path.of(System.getProperty("berth.it.s3proxy-jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the S3Proxy jar " + jar + " is missing (mvn generate-test-resources)");
        }
        TestInfrastructure infra = TestInfrastructure.get();
        int port = FreePorts.next();
        Path dir = infra.dir("s3proxy");
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(data);
            Path props = dir.resolve("s3proxy.properties");
            Files.write(props, List.of(
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data));
            Process process = ServiceProcess.launchJava(List.of("-jar", jar.toString(), "--properties",
                    props.toString()), dir.resolve("s3proxy.log"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("S3Proxy exited; see " + dir.resolve("s3proxy.log"));
                }
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return new S3ProxyProcess(port, data);
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            throw new IllegalStateException("S3Proxy did not listen within 60 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Proxy: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
