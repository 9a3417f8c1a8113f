package io.kbackup.doctor;

/**
 * One result of a check: how serious it is, a short title, what was found and what to do about it.
 *
 * @param remedy a command or action that fixes it, or null when nothing needs doing
 */
public record Finding(Severity severity, String title, String details, String remedy) {

  public enum Severity {
    OK("OK"),
    INFO("INFO"),
    WARNING("WARN"),
    FATAL("FATAL");

    private final String label;

    Severity(String label) {
      this.label = label;
    }

    /** The word printed at the start of the finding's line. */
    public String label() {
      return label;
    }
  }

  public static Finding ok(String title, String details) {
    return new Finding(Severity.OK, title, details, null);
  }

  public static Finding info(String title, String details, String remedy) {
    return new Finding(Severity.INFO, title, details, remedy);
  }

  public static Finding warning(String title, String details, String remedy) {
    return new Finding(Severity.WARNING, title, details, remedy);
  }

  public static Finding fatal(String title, String details, String remedy) {
    return new Finding(Severity.FATAL, title, details, remedy);
  }

  public boolean fatal() {
    return severity == Severity.FATAL;
  }
}
