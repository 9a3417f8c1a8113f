package io.kbackup.repository;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kbackup.error.CorruptDataException;
import java.io.IOException;

/** The JSON mapping of every repository document. */
public final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Parses a stored document; a malformed one, or the bare {@code null} that Jackson reads as no
   * object at all, is corruption of that object.
   */
  public static <T> T read(byte[] bytes, Class<T> type, String key) {
    T value;
    try {
      value = MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      value = null;
    }
    if (value == null) {
      throw new CorruptDataException(key + ": not a valid " + type.getSimpleName() + " document");
    }
    return value;
  }
}
