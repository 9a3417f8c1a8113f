package io.kbackup.error;

/**
 * Strings read from a repository as messages may show them: a forged topic name, key or host can
 * hold newlines and terminal escapes, which must never reach the user's terminal as they are.
 */
public final class Untrusted {

  /** Longer strings are cut: a message stays one readable line. */
  static final int MAX_CHARS = 200;

  private Untrusted() {}

  /** The string as {@link #text} writes it, in double quotes; {@code null} for null. */
  public static String quote(String text) {
    return text == null ? "null" : "\"" + text(text) + "\"";
  }

  /**
   * The string with every character that is not printable ASCII (and the quote and backslash)
   * written as {@code \\uXXXX}, cut after {@value #MAX_CHARS} characters: unchanged when it is a
   * plain name, harmless when it is not. {@code null} for null.
   */
  public static String text(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    int end = Math.min(text.length(), MAX_CHARS);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (end < text.length()) {
      out.append("...(").append(text.length()).append(" characters)");
    }
    return out.toString();
  }
}
