package io.kbackup.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * The log kbackup appends to a file when asked ({@code --log-file}): what each command does, with
 * UTC timestamps, at INFO; Kafka's clients only at WARN, so their settings (which may hold secrets)
 * are not logged.
 */
final class LogFile {

  private static volatile boolean active;

  private LogFile() {}

  /** Whether a log file was set up in this process; nothing else may then turn logging off. */
  static boolean active() {
    return active;
  }

  static void start(Path file) {
    active = true;
    ConfigurationBuilder<BuiltConfiguration> b =
        ConfigurationBuilderFactory.newConfigurationBuilder();
    b.setStatusLevel(Level.ERROR);
    b.add(
        b.newAppender("file", "File")
            .addAttribute("fileName", file.toAbsolutePath().toString())
            .addAttribute("append", true)
            .add(
                b.newLayout("PatternLayout")
                    .addAttribute(
                        "pattern", "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}{UTC} %-5p [%t] %c{1}: %m%n")));
    b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("file")));
    b.add(b.newLogger("org.apache.kafka", Level.WARN));
    b.add(b.newLogger("kafka", Level.WARN));
    b.add(b.newLogger("software.amazon", Level.WARN));
    b.add(b.newLogger("com.azure", Level.WARN));
    Configurator.reconfigure(b.build());
  }
}
