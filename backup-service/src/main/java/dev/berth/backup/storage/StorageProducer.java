package dev.berth.backup.storage;

import dev.berth.backup.config.BackupConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the configured storage: a local directory (default) or an S3-compatible bucket. */
@ApplicationScoped
public class StorageProducer {

    private static final Logger LOG = Logger.getLogger(StorageProducer.class);

    @Produces
    @ApplicationScoped
    BackupStorage storage(BackupConfig config) {
        BackupConfig.Storage settings = config.storage();
        try {
            return switch (settings.kind()) {
                case "local" -> {
                    LocalDirectoryStorage local = new LocalDirectoryStorage(Path.of(settings.localDir()));
                    int swept = local.sweepPartials();
                    if (swept > 0) {
                        LOG.infof("removed %d unfinished backup file(s) left by an earlier run", swept);
                    }
                    yield local;
                }
                case "s3" -> s3(settings.s3());
                default -> throw new IllegalStateException("berth.backup.storage.kind must be local or s3, not '"
                        + settings.kind() + "'");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare backup storage: " + e.getMessage(), e);
        }
    }

    private static S3Storage s3(BackupConfig.S3 s3) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(s3.region()))
                .forcePathStyle(s3.pathStyle())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // Only the checksums S3 requires: many S3-compatible servers reject the newer default trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        s3.endpoint().ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        if (s3.accessKey().isPresent() && s3.secretKey().isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(s3.accessKey().get(), s3.secretKey().get())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        S3Storage storage = new S3Storage(builder.build(), s3.bucket(), s3.partSize());
        storage.ensureBucket();
        return storage;
    }
}
