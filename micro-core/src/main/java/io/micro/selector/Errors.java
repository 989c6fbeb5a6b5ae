package io.micro.selector;

import io.micro.errors.MicroException;

/** The errors of selection, worded as go-micro's client reports them. */
final class Errors {
  static final String ID = "go.micro.client";

  private Errors() {}

  /** 500 {@code service <name>: not found}: the registry knows no node of the service. */
  static MicroException notFound(String service) {
    return MicroException.internalServerError(ID, "service %s: not found", service);
  }

  /** 500 {@code error selecting <name> node: none available}: no node passed the filters. */
  static MicroException noneAvailable(String service) {
    return MicroException.internalServerError(ID, "error selecting %s node: none available", service);
  }
}
