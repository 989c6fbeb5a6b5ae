/**
 * The {@code kubernetes} registry: service discovery on the Kubernetes API, written the way
 * go-micro's kubernetes registry writes it, so Java and Go services in one namespace find each
 * other. A process registers by patching its own pod with the labels {@code micro.mu/type=service}
 * and {@code micro.mu/selector-<service>=service} and the annotation {@code
 * micro.mu/service-<service>} holding the service JSON; lookups list pods by label and read the
 * annotations of running pods; watches are Kubernetes watches on the labelled pods. Kubernetes
 * itself removes the pods of dead processes, so registrations have no TTL. Entry points: {@link
 * io.micro.plugins.registry.kubernetes.KubernetesRegistry#builder()} and the provider found by
 * {@code --registry=kubernetes}.
 */
@NullMarked
package io.micro.plugins.registry.kubernetes;

import org.jspecify.annotations.NullMarked;
