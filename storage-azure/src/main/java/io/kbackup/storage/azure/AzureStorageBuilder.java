package io.kbackup.storage.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.kbackup.storage.HttpEndpoint;
import io.kbackup.storage.ObjectStoreLocation;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Options of an {@link AzureStorage}: the credentials (one of a connection string, an account key
 * or a SAS token), the Blob service endpoint and the retries. The credentials are secrets; nothing
 * here prints or logs them.
 */
public final class AzureStorageBuilder {

  /** The environment variables that {@link #credentialsFrom(Map)} reads, in order of precedence. */
  public static final String CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";

  public static final String ACCOUNT = "AZURE_STORAGE_ACCOUNT";
  public static final String KEY = "AZURE_STORAGE_KEY";
  public static final String SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";

  /** Block size of uploads; files up to this size go up in one request. */
  static final long DEFAULT_BLOCK_SIZE = 16L << 20;

  private static final Pattern CONTAINER =
      Pattern.compile("(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

  private final ObjectStoreLocation location;
  private URI endpoint;
  private String connectionString;
  private String account;
  private String key;
  private String sasToken;
  private int maxAttempts = 5;
  private Duration retryDelay = Duration.ofSeconds(1);
  private long blockSize = DEFAULT_BLOCK_SIZE;

  AzureStorageBuilder(ObjectStoreLocation location) {
    this.location = location;
  }

  static ObjectStoreLocation parse(String url) {
    return ObjectStoreLocation.parse(
        url,
        "azure",
        CONTAINER,
        "Azure container name",
        "3 to 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit,"
            + " without '--'");
  }

  /**
   * The Blob service, such as {@code http://127.0.0.1:10000/devstoreaccount1} (Azurite) or {@code
   * https://ACCOUNT.blob.core.chinacloudapi.cn}; default: the connection string's, else {@code
   * https://ACCOUNT.blob.core.windows.net}.
   */
  public AzureStorageBuilder endpoint(String url) {
    URI uri =
        HttpEndpoint.parse(
            url, "Azure", "http://HOST[:PORT][/ACCOUNT] or https://HOST[:PORT][/ACCOUNT]");
    if (uri.getRawQuery() != null) {
      // a SAS token in the URL would show in process lists and in every message
      throw new IllegalArgumentException(
          "the Azure endpoint must not carry a query; give a SAS token in " + SAS_TOKEN);
    }
    this.endpoint = uri;
    return this;
  }

  /** A storage account connection string, with its endpoints and key or SAS token. */
  public AzureStorageBuilder connectionString(String connectionString) {
    this.connectionString = connectionString;
    return this;
  }

  /** The account's shared key. */
  public AzureStorageBuilder accountKey(String account, String key) {
    this.account = account;
    this.key = key;
    return this;
  }

  /** A SAS token; the account may be null when the endpoint names it. */
  public AzureStorageBuilder sasToken(String account, String sasToken) {
    this.account = account;
    this.sasToken = sasToken;
    return this;
  }

  /**
   * Takes the credentials from environment variables: {@value #CONNECTION_STRING} if set; else
   * {@value #ACCOUNT} with {@value #KEY}; else {@value #SAS_TOKEN} (with {@value #ACCOUNT} unless
   * the endpoint names the account). Empty values count as unset.
   *
   * @throws IllegalArgumentException when none is set, or the account is missing
   */
  public AzureStorageBuilder credentialsFrom(Map<String, String> environment) {
    String connection = value(environment, CONNECTION_STRING);
    String accountName = value(environment, ACCOUNT);
    if (connection != null) {
      return connectionString(connection);
    }
    if (value(environment, KEY) != null) {
      if (accountName == null) {
        throw new IllegalArgumentException(KEY + " is set but " + ACCOUNT + " is not");
      }
      return accountKey(accountName, value(environment, KEY));
    }
    if (value(environment, SAS_TOKEN) != null) {
      return sasToken(accountName, value(environment, SAS_TOKEN));
    }
    throw new IllegalArgumentException(
        "no Azure credentials: set "
            + CONNECTION_STRING
            + ", or "
            + ACCOUNT
            + " with "
            + KEY
            + " or "
            + SAS_TOKEN);
  }

  private static String value(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Attempts per request, the first included, before a failure is reported. */
  public AzureStorageBuilder maxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
    return this;
  }

  /** The first pause between attempts; each later one doubles, up to 30 s. */
  public AzureStorageBuilder retryDelay(Duration retryDelay) {
    this.retryDelay = retryDelay;
    return this;
  }

  /** The block size of uploads from files; for tests. */
  AzureStorageBuilder blockSize(long blockSize) {
    this.blockSize = blockSize;
    return this;
  }

  public AzureStorage build() {
    BlobServiceClientBuilder builder =
        new BlobServiceClientBuilder()
            .httpClient(
                new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(10)).build())
            .retryOptions(
                new RequestRetryOptions(
                    RetryPolicyType.EXPONENTIAL,
                    maxAttempts,
                    (Duration) null,
                    retryDelay,
                    Duration.ofSeconds(30),
                    null))
            .addPolicy(new AttemptCounter());
    if (connectionString != null) {
      try {
        builder.connectionString(connectionString);
      } catch (IllegalArgumentException e) {
        // its message may quote the string, key included
        throw new IllegalArgumentException(
            "invalid "
                + CONNECTION_STRING
                + ": expected AccountName=…;AccountKey=…; or a"
                + " BlobEndpoint=…;SharedAccessSignature=… string");
      }
    } else if (key != null) {
      builder.credential(new StorageSharedKeyCredential(account, key));
    } else if (sasToken != null) {
      builder.sasToken(sasToken);
    } else {
      throw new IllegalStateException("no credentials given");
    }
    if (endpoint != null) {
      builder.endpoint(endpoint.toString());
    } else if (connectionString == null) {
      if (account == null) {
        throw new IllegalArgumentException(
            ACCOUNT + " is not set, and no endpoint names the storage account");
      }
      builder.endpoint("https://" + account + ".blob.core.windows.net");
    }
    BlobServiceClient service = builder.buildClient();
    return new AzureStorage(
        service.getBlobContainerClient(location.container()),
        location,
        service.getAccountUrl(),
        blockSize);
  }
}
