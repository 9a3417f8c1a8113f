package io.kbackup.storage;

import java.net.URI;
import java.net.URISyntaxException;

/** The check every object-store backend applies to a server endpoint given by the user. */
public final class HttpEndpoint {

  private HttpEndpoint() {}

  /**
   * Parses an http or https URL with a host.
   *
   * @param expected the accepted forms, for the message
   * @throws IllegalArgumentException naming {@code what} when it is not such a URL
   */
  public static URI parse(String url, String what, String expected) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "invalid " + what + " endpoint " + url + ": expected " + expected);
    }
    return uri;
  }
}
