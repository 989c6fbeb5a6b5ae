package io.micro.toolkit.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/** What reads a backend's answer, on the backend connection's event loop: a relayed call or a collected exchange. */
interface BackendSink {

  /** The response head arrived. */
  void onHead(HttpResponse head);

  /** A piece of the body arrived (the last one is a {@code LastHttpContent}); released by the caller. */
  void onContent(HttpContent content);

  /** The connection failed or closed before the answer ended. */
  void backendGone(@Nullable Throwable cause);
}
