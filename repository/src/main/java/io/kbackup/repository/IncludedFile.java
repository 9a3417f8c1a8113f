package io.kbackup.repository;

/**
 * A file given by the user, stored verbatim with a snapshot.
 *
 * @param name the file's name as given (its last path element)
 * @param key the object holding its bytes
 */
public record IncludedFile(String name, String key, long size, String sha256) {}
