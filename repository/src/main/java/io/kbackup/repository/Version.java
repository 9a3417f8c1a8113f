package io.kbackup.repository;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of kbackup, recorded in every snapshot. */
public final class Version {

  private static final String VERSION = load();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/kbackup-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
