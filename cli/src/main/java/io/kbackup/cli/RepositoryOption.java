package io.kbackup.cli;

import io.kbackup.repository.Repository;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --repo} option shared by every command that uses a repository. */
final class RepositoryOption {

  @Option(
      names = "--repo",
      required = true,
      paramLabel = "URL",
      description =
          "Repository location: a directory path, file:PATH, s3://BUCKET/PREFIX or"
              + " azure://CONTAINER/PREFIX.")
  String repo;

  @Mixin S3Options s3;

  // initialised for a RepositoryOption built in code (a second repository) rather than parsed
  @Mixin AzureOptions azure = new AzureOptions();

  @Mixin PassphraseOption password;

  /** The command this option belongs to, for its error stream; null when built in code. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  Storage storage() {
    if (repo.startsWith("s3://")) {
      return s3.open(repo);
    }
    if (repo.startsWith("azure://")) {
      return azure.open(repo);
    }
    String path = repo.startsWith("file:") ? repo.substring("file:".length()) : repo;
    if (path.startsWith("//")) {
      path = path.substring(2);
    }
    return new FileSystemStorage(Path.of(path));
  }

  Repository open() throws IOException {
    Storage storage = storage();
    try {
      Repository repository = Repository.open(storage, password::get, password.given());
      if (mixee != null) {
        repository
            .warnings()
            .forEach(w -> mixee.commandLine().getErr().println("kbackup: warning: " + w));
      }
      return repository;
    } catch (IOException | RuntimeException e) {
      storage.close();
      throw e;
    }
  }
}
