package dev.berth.backup.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Backups as objects in an S3-compatible bucket. Large files go up as a multipart upload, one part per
 * {@code partSize} bytes as pg_dump produces them (nothing is spooled to disk); the object appears only when the
 * upload is completed, and an aborted upload leaves no object.
 */
public final class S3Storage implements BackupStorage {

    private final S3Client s3;
    private final String bucket;
    private final int partSize;

    public S3Storage(S3Client s3, String bucket, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = Math.max(partSize, 5 * 1024 * 1024);
    }

    /** Creates the bucket when it does not exist yet. */
    public void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception missing) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException raced) {
                // another instance made it first
            }
        }
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public Upload create(String key) {
        BackupStorage.checkKey(key);
        return new MultipartUpload(key);
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        try {
            return s3.getObject(b -> {
                b.bucket(bucket).key(key);
                if (offset > 0) {
                    b.range("bytes=" + offset + "-");
                }
            });
        } catch (S3Exception e) {
            throw new IOException("cannot read " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String key) throws IOException {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
        } catch (S3Exception e) {
            throw new IOException("cannot stat " + key + " in bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** Buffers one part in memory; the first full part starts a multipart upload, a small file is one PUT. */
    private final class MultipartUpload extends OutputStream implements Upload {

        private final String key;
        private final List<CompletedPart> parts = new ArrayList<>();
        private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private String uploadId;
        private long total;

        MultipartUpload(String key) {
            this.key = key;
        }

        @Override
        public OutputStream stream() {
            return this;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, partSize - buffer.size());
                buffer.write(b, off, n);
                off += n;
                len -= n;
                if (buffer.size() == partSize) {
                    uploadPart();
                }
            }
        }

        private void uploadPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
                }
                int number = parts.size() + 1;
                byte[] bytes = buffer.toByteArray();
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength((long) bytes.length), RequestBody.fromBytes(bytes)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += bytes.length;
                buffer = new ByteArrayOutputStream();
            } catch (S3Exception e) {
                throw new IOException("uploading part of " + key + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public long commit() throws IOException {
            try {
                if (uploadId == null) {
                    byte[] bytes = buffer.toByteArray();
                    s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) bytes.length),
                            RequestBody.fromBytes(bytes));
                    return bytes.length;
                }
                if (buffer.size() > 0) {
                    uploadPart();
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
                return total;
            } catch (S3Exception e) {
                throw new IOException("completing " + key + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void abort() {
            buffer = new ByteArrayOutputStream();
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (S3Exception ignored) {
                    // the bucket's lifecycle rules clean up abandoned uploads; no object was ever created
                }
                uploadId = null;
            }
        }
    }
}
