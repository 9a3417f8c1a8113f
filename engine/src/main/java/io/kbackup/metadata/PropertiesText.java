package io.kbackup.metadata;

/**
 * Escapes text for a Java properties file, as Kafka reads server.properties, so that what a
 * snapshot holds (which a forged repository chooses) is read back as exactly one key and value: no
 * line break, separator, comment mark or continuation in it can start another setting.
 */
final class PropertiesText {

  private PropertiesText() {}

  /** A key: every space, separator and comment mark escaped. */
  static String key(String key) {
    return escape(key, true);
  }

  /** A value: leading spaces escaped, separators and comment marks kept readable. */
  static String value(String value) {
    return value == null ? "" : escape(value, false);
  }

  /** Text for a comment line: one line, whatever it holds. */
  static String comment(String text) {
    return text == null ? "null" : escape(text, false);
  }

  private static String escape(String text, boolean key) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case ' ' -> out.append(key || out.isEmpty() ? "\\ " : " ");
        case '=', ':', '#', '!' -> out.append(key ? "\\" + c : String.valueOf(c));
        default -> {
          if (c < 0x20 || c > 0x7e) {
            // the file is read as ISO-8859-1: anything else travels as a Unicode escape
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
