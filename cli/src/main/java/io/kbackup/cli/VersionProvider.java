package io.kbackup.cli;

import io.kbackup.repository.Version;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The text of {@code --version}: the version and the commit kbackup was built from, which the build
 * records in {@code kbackup-build.properties}; a build from sources without git history has none.
 */
final class VersionProvider implements CommandLine.IVersionProvider {

  static final String BUILD_PROPERTIES = "/kbackup-build.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"kbackup " + Version.get() + " (commit " + commit() + ")"};
  }

  static String commit() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(BUILD_PROPERTIES)) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String commit = p.getProperty("git.commit.id.abbrev", "").trim();
      return commit.isEmpty() ? "unknown" : commit;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
