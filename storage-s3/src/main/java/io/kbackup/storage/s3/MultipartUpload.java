package io.kbackup.storage.s3;

import io.kbackup.storage.BoundedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads a large file in parts, each streamed from its slice of the file (never the whole file in
 * memory) with a CRC32C checksum. The object appears only when the upload completes; a failed
 * upload is aborted so that its parts do not linger (and cost).
 */
final class MultipartUpload {

  private MultipartUpload() {}

  /**
   * @param ifAbsent whether the completion carries {@code If-None-Match: *}, so that the server
   *     refuses it (412) over an existing object; the upload is then aborted
   */
  static void upload(
      S3Client client,
      String bucket,
      String key,
      StorageClass storageClass,
      Path file,
      long size,
      long partSize,
      boolean ifAbsent) {
    String uploadId =
        client
            .createMultipartUpload(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                        .storageClass(storageClass))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < size; offset += partSize, number++) {
        long length = Math.min(partSize, size - offset);
        long start = offset;
        int partNumber = number;
        UploadPartResponse response =
            client.uploadPart(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(partNumber)
                        .contentLength(length)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                RequestBody.fromContentProvider(
                    () -> slice(file, start, length), length, "application/octet-stream"));
        parts.add(
            CompletedPart.builder()
                .partNumber(partNumber)
                .eTag(response.eTag())
                .checksumCRC32C(response.checksumCRC32C())
                .build());
      }
      client.completeMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .uploadId(uploadId)
                  .ifNoneMatch(ifAbsent ? "*" : null)
                  .multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      try {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException abortFailed) {
        e.addSuppressed(abortFailed);
      }
      throw e;
    }
  }

  /** A new stream over one part of the file; the SDK asks again when it retries the part. */
  private static InputStream slice(Path file, long offset, long length) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(offset);
      return new BoundedInputStream(Channels.newInputStream(channel), length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
