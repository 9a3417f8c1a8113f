package io.kbackup.kafka;

import io.kbackup.error.KbackupException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the failure of Kafka's client constructors (an unresolvable host, an empty bootstrap entry,
 * a JAAS config that does not parse, a keystore that does not load) into one line that names the
 * setting and what is wrong with it. Kafka wraps the cause in generic "Failed to create"
 * exceptions; the cause chain says what happened. Secret values never reach the message.
 */
final class ClientSettingsError {

  private static final String BOOTSTRAP = "bootstrap.servers";
  private static final String JAAS = "sasl.jaas.config";
  private static final Pattern SENSITIVE_NAME =
      Pattern.compile("(?i).*(password|secret|token|jaas|\\.key$|credentials).*");
  private static final Pattern JAAS_SECRET =
      Pattern.compile("(?i)\\w*(password|secret|token)\\w*\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;]+))");

  private ClientSettingsError() {}

  /**
   * @param settings every setting the client was given, secrets among them
   */
  static KbackupException of(RuntimeException failure, Properties settings) {
    String detail = redact(detail(failure), secrets(settings));
    String setting = setting(detail, settings);
    if (setting == null) {
      return KbackupException.usage(
          "the Kafka client settings are not valid: " + detail,
          "check --bootstrap-server and the settings in --command-config");
    }
    if (setting.equals(BOOTSTRAP)) {
      return KbackupException.usage(
          "--bootstrap-server '" + settings.getProperty(BOOTSTRAP) + "' is not valid: " + detail,
          "give HOST:PORT[,HOST:PORT...] with no empty entry and hosts this machine can resolve");
    }
    return KbackupException.usage(
        "Kafka client setting " + setting + " is not valid: " + detail,
        "check " + setting + " in --command-config");
  }

  /** The messages of the cause chain, without Kafka's generic wrappers and repeats. */
  private static String detail(Throwable failure) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof NoSuchFileException) {
        m = "no such file";
      } else if (t instanceof AccessDeniedException) {
        m = "permission denied";
      } else if (m == null || m.isBlank()) {
        m = t.getClass().getSimpleName();
      }
      boolean wrapper =
          m.startsWith("Failed to create new ") || m.startsWith("Failed to construct");
      boolean repeated = t.getCause() != null && m.equals(t.getCause().toString());
      if (!wrapper && !repeated && !parts.contains(m)) {
        parts.add(m);
      }
    }
    return parts.isEmpty() ? failure.getClass().getSimpleName() : String.join(": ", parts);
  }

  /** The setting the message is about: one named in it, or one whose value it quotes. */
  private static String setting(String detail, Properties settings) {
    if (detail.contains("JAAS") || detail.contains("LoginModule")) {
      return JAAS;
    }
    String best = null;
    for (String name : settings.stringPropertyNames()) {
      if (detail.contains(name) && (best == null || name.length() > best.length())) {
        best = name;
      }
    }
    if (best != null) {
      return best;
    }
    // the longest value quoted wins: a keystore path rather than a protocol name
    int longest = 1;
    for (String name : settings.stringPropertyNames()) {
      String value = settings.getProperty(name);
      if (!SENSITIVE_NAME.matcher(name).matches()
          && value.length() > longest
          && detail.contains(value)) {
        best = name;
        longest = value.length();
      }
    }
    return best;
  }

  /** Values of the settings that may hold secrets, and the secrets inside a JAAS config. */
  private static Set<String> secrets(Properties settings) {
    Set<String> secrets = new LinkedHashSet<>();
    for (String name : settings.stringPropertyNames()) {
      if (SENSITIVE_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
        secrets.add(settings.getProperty(name));
      }
    }
    String jaas = settings.getProperty(JAAS);
    if (jaas != null) {
      Matcher m = JAAS_SECRET.matcher(jaas);
      while (m.find()) {
        secrets.add(m.group(2) != null ? m.group(2) : m.group(3));
      }
    }
    secrets.removeIf(String::isEmpty);
    return secrets;
  }

  private static String redact(String text, Set<String> secrets) {
    // longest first, so that a secret inside another is not left half-hidden
    List<String> ordered = new ArrayList<>(secrets);
    ordered.sort((a, b) -> b.length() - a.length());
    for (String secret : ordered) {
      text = text.replace(secret, "***");
    }
    return text;
  }
}
