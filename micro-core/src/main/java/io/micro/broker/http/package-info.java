/**
 * The {@code http} broker, the zero-dependency default: go-micro's HTTP broker, in which each
 * subscription registers itself in the registry as a node of {@code micro.http.broker} and
 * publishers POST events directly to the subscribers, so that no broker process is needed and Go
 * and Java services exchange events. Not durable; see {@link io.micro.broker.http.HttpBroker}.
 */
@NullMarked
package io.micro.broker.http;

import org.jspecify.annotations.NullMarked;
