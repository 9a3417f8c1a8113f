package io.kbackup.storage;

/** What a listing or stat knows about one stored object. */
public record ObjectInfo(String key, long size) {}
