package io.kbackup.restore;

/**
 * A run of consecutive source offsets restored to consecutive target offsets: source offset {@code
 * sourceStart + i} became target offset {@code targetStart + i} for {@code i < count}.
 */
public record OffsetRange(long sourceStart, long targetStart, long count) {}
