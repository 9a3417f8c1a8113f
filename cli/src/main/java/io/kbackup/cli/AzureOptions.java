package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.storage.Storage;
import io.kbackup.storage.azure.AzureStorage;
import io.kbackup.storage.azure.AzureStorageBuilder;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Options of a repository on Azure Blob Storage ({@code --repo azure://container/prefix}).
 * Credentials are not options: they come from environment variables ({@link
 * AzureStorageBuilder#credentialsFrom}), so they never show in a command line or a process list.
 */
final class AzureOptions {

  /** Where the credentials are read; tests give their own. */
  static Supplier<Map<String, String>> environment = System::getenv;

  @Option(
      names = "--azure-endpoint",
      paramLabel = "URL",
      description =
          "Blob service for azure:// repositories, such as http://127.0.0.1:10000/devstoreaccount1"
              + " (default: the connection string's, else https://ACCOUNT.blob.core.windows.net).")
  String endpoint;

  Storage open(String url) {
    try {
      AzureStorageBuilder builder = AzureStorage.builder(url);
      if (endpoint != null) {
        builder.endpoint(endpoint);
      }
      return builder.credentialsFrom(environment.get()).build();
    } catch (IllegalArgumentException e) {
      throw KbackupException.usage(
          e.getMessage(), "see \"Repositories on Azure Blob Storage\" in the README");
    }
  }
}
